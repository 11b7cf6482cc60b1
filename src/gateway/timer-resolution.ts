// How late the gateway's shared scheduler may run a job: poll schedules, response timeouts
// and heartbeat checks due within one resolution step share one wake-up of the event loop.
//
// Each wake-up has a fixed price (a timer interrupt, epoll, libuv's timer phase) that does
// not depend on how much work it finds; on a virtual machine it is tens to hundreds of µs,
// more than a whole poll costs. Coalescing is what keeps the CPU per transaction low with
// thousands of DTUs. The step follows the configuration: 5 % of the shortest period any job
// waits for, so a poll every second fires at most 50 ms late and a 300 ms response timeout
// at most 15 ms late; never coarser than MAX_AUTO_RESOLUTION_MS.

import type { PointsConfig, SessionLimits } from '../domain/config.js';

/** The share of the shortest configured period a job may run late when the step is automatic. */
export const AUTO_RESOLUTION_SHARE = 0.05;
/** The automatic step is never coarser than this. */
export const MAX_AUTO_RESOLUTION_MS = 50;

/** Shortest period the scheduler serves: heartbeat checks, response timeouts, poll intervals. */
export function shortestScheduledPeriodMs(sessions: Pick<SessionLimits, 'heartbeatIntervalMs'>, points: Pick<PointsConfig, 'profiles'>): number {
  let shortest = sessions.heartbeatIntervalMs;
  for (const profile of points.profiles.values()) {
    shortest = Math.min(shortest, profile.timing.responseTimeoutMs);
    for (const task of profile.tasks) {
      if (task.schedule.kind === 'interval') shortest = Math.min(shortest, task.schedule.everyMs);
    }
  }
  return shortest;
}

/** The scheduler's step in ms: `sessions.timerResolutionMs` when set, otherwise derived as above. */
export function timerResolutionMs(sessions: Pick<SessionLimits, 'heartbeatIntervalMs' | 'timerResolutionMs'>, points: Pick<PointsConfig, 'profiles'>): number {
  if (sessions.timerResolutionMs !== null) return sessions.timerResolutionMs;
  const step = Math.floor(shortestScheduledPeriodMs(sessions, points) * AUTO_RESOLUTION_SHARE);
  return Math.min(MAX_AUTO_RESOLUTION_MS, Math.max(1, step));
}
