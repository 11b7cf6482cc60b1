// points.yml reloaded under running sessions: each online device accepted by a listener is
// matched again, and only those whose name or profile differs (or whose profile changed)
// are touched. Sessions an outbound channel opened follow their channel (restarted when its
// profile or link changed).
import type { PointsConfig } from '../domain/config.js';
import { matchDevice } from '../plan/device-match.js';
import type { DtuSession, SessionContext } from './session.js';

export function reconfigureSessions(
  sessions: Iterable<DtuSession>,
  points: PointsConfig,
  changedProfiles: ReadonlySet<string>,
  rejectsUnknown: (listener: string) => boolean,
  ctx: Pick<SessionContext, 'bus' | 'clock' | 'log'>,
): { reconfigured: number; closed: number } {
  let reconfigured = 0;
  let closed = 0;
  for (const session of [...sessions]) {
    const { deviceId, profile } = session;
    if (session.state !== 'active' || session.isOutbound || deviceId === null || profile === null) continue;
    const match = matchDevice(points, deviceId);
    if (!match || (!match.listed && rejectsUnknown(session.remote.listener))) {
      ctx.log.warn({ device: deviceId }, 'device no longer accepted by points.yml: closing');
      session.close('rejected', 'no longer accepted by points.yml');
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
