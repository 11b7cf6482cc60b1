// points.yml reloaded under running sessions: each online device accepted by a listener is
// admitted again (points.yml, then its registry entry, as at registration), and only those whose name or profile differs (or whose profile changed)
// are touched. Sessions an outbound channel opened follow their channel (restarted when its
// profile or link changed).
import type { PointsConfig } from '../domain/config.js';
import { admitDevice } from '../plan/device-match.js';
import type { DtuSession, SessionContext } from './session.js';

export function reconfigureSessions(
  sessions: Iterable<DtuSession>,
  points: PointsConfig,
  changedProfiles: ReadonlySet<string>,
  rejectsUnknown: (listener: string) => boolean,
  ctx: Pick<SessionContext, 'bus' | 'clock' | 'log' | 'fleetRegistry'>,
): { reconfigured: number; closed: number } {
  let reconfigured = 0;
  let closed = 0;
  for (const session of [...sessions]) {
    const { deviceId, profile } = session;
    if (session.state !== 'active' || session.isOutbound || deviceId === null || profile === null) continue;
    const unknownIds = rejectsUnknown(session.remote.listener) ? 'reject' : 'accept';
    const match = admitDevice(points, deviceId, ctx.fleetRegistry?.entry(deviceId), unknownIds);
    if (!match.admitted) {
      ctx.log.warn({ device: deviceId, reason: match.reason }, 'device no longer accepted after a reload: closing');
      session.close('rejected', `no longer accepted after a reload (${match.reason})`);
      closed++;
      continue;
    }
    const same = match.profile.name === profile.name && match.name === session.name;
    if (same && !changedProfiles.has(profile.name)) continue;
    session.reconfigure(match.profile, match.name);
    reconfigured++;
    const at = ctx.clock.now();
    ctx.bus.emit('device.reconfigured', {
      deviceId,
      profile: match.profile.name,
      name: match.name,
      remote: session.remote,
      at,
    });
  }
  return { reconfigured, closed };
}
