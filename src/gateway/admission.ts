// Whether a listener takes a new connection (or, on UDP, a datagram from a new address):
// the fleet-wide connection cap, and addresses whose registrations keep failing.
import type { SessionContext } from './session-types.js';

export function admits(ctx: SessionContext, listener: string, ip: string, port: number): boolean {
  if (ctx.registry.connections >= ctx.limits.maxConnections) {
    ctx.counters.connectionsRefused++;
    const remote = { ip, port, listener };
    ctx.bus.emit('connection.refused', { remote, at: ctx.clock.now(), reason: 'max-connections' });
    ctx.log.warn({ remote, max: ctx.limits.maxConnections }, 'connection refused: limit reached');
    return false;
  }
  if (ctx.registrationFailures?.refused(listener, ip, ctx.clock.now())) {
    // Closed without an event or a log line each: the address's first failure had those.
    ctx.counters.connectionsThrottled++;
    return false;
  }
  ctx.counters.connectionsAccepted++;
  return true;
}

/** The address as logged and stored: IPv4-mapped IPv6 addresses in their IPv4 form. */
export function plainIp(address: string | undefined): string {
  return (address ?? '').replace(/^::ffff:/, '');
}
