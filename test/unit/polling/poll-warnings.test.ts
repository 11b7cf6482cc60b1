// The per-slave limit on exception and timeout lines: one line a window, the next one
// counting what was left out; each slave and device on its own.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/bus.js';
import type { GatewayEvents } from '../../../src/domain/events.js';
import { silentLogger } from '../../../src/log.js';
import { POLL_WARNING_WINDOW_MS, PollWarnings } from '../../../src/polling/poll-warnings.js';

function setup() {
  const lines: Record<string, unknown>[] = [];
  const log = pino(
    { level: 'warn' },
    { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) },
  );
  let now = 1_000_000;
  const bus = new EventBus<GatewayEvents>(silentLogger());
  new PollWarnings(log, () => now).attach(bus);
  const exception = (deviceId: string, slave: number) =>
    bus.emit('poll.exception', { deviceId, slave, fn: 3, address: 0, at: now, code: 2 });
  return { lines, bus, exception, advance: (ms: number) => (now += ms) };
}

describe('PollWarnings', () => {
  it('writes one line per slave a window, then one saying how many were left out', () => {
    const { lines, exception, advance } = setup();
    for (let i = 0; i < 5; i++) exception('D1', 1);
    exception('D1', 2);
    exception('D2', 1);
    expect(lines.map((l) => [l['device'], l['slave'], l['suppressed']])).toEqual([
      ['D1', 1, 0],
      ['D1', 2, 0],
      ['D2', 1, 0],
    ]);
    advance(POLL_WARNING_WINDOW_MS - 1);
    exception('D1', 1);
    expect(lines).toHaveLength(3);
    advance(1);
    exception('D1', 1);
    expect(lines[3]).toMatchObject({
      device: 'D1',
      slave: 1,
      suppressed: 5,
      msg: 'slave answered with a Modbus exception',
    });
  });

  it('logs a backoff once until the slave recovers, and forgets a device that went offline', () => {
    const { lines, bus, exception } = setup();
    const backoff = () => bus.emit('slave.backoff', { deviceId: 'D1', slave: 1, at: 0, failures: 3, untilMs: 5000 });
    backoff();
    backoff();
    bus.emit('slave.recovered', { deviceId: 'D1', slave: 1, at: 6000 });
    bus.emit('slave.recovered', { deviceId: 'D1', slave: 1, at: 7000 });
    expect(lines.map((l) => l['msg'])).toEqual([
      'slave backed off: polls skipped until it answers a probe',
      'slave answers again: backoff ended',
    ]);
    expect(lines[0]).toMatchObject({ retryInMs: 5000, failures: 3 });
    exception('D1', 1);
    exception('D1', 1);
    bus.emit('device.offline', {
      deviceId: 'D1',
      remote: { ip: '127.0.0.1', port: 1, listener: 'dtu' },
      at: 0,
      reason: 'closed',
      details: null,
    });
    exception('D1', 1);
    expect(lines.filter((l) => l['msg'] === 'slave answered with a Modbus exception')).toHaveLength(2);
  });
});
