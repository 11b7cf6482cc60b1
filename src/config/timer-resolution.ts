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
/** An explicit step may be at most this share of the shortest period: a longer one would skip polls. */
export const MAX_EXPLICIT_RESOLUTION_SHARE = 0.5;

export interface ScheduledPeriod {
  readonly ms: number;
  /** Where the period is set, for messages: `sessions.heartbeatInterval`, `profile p timing.responseTimeout`, … */
  readonly source: string;
}

/**
 * Shortest period the scheduler serves: heartbeat checks, response timeouts, poll intervals.
 * Every declared profile counts, used or not, and the heartbeat check runs whether or not a
 * link has a heartbeat rule: an extra period can only make the step finer.
 */
export function shortestScheduledPeriod(
  sessions: Pick<SessionLimits, 'heartbeatIntervalMs'>,
  points: Pick<PointsConfig, 'profiles'>,
): ScheduledPeriod {
  let shortest: ScheduledPeriod = { ms: sessions.heartbeatIntervalMs, source: 'sessions.heartbeatInterval' };
  for (const profile of points.profiles.values()) {
    if (profile.timing.responseTimeoutMs < shortest.ms) {
      shortest = { ms: profile.timing.responseTimeoutMs, source: `profile ${profile.name} timing.responseTimeout` };
    }
    for (const task of profile.tasks) {
      if (task.schedule.kind === 'interval' && task.schedule.everyMs < shortest.ms) {
        shortest = { ms: task.schedule.everyMs, source: `profile ${profile.name} task ${task.name} every` };
      }
    }
  }
  return shortest;
}

/** `sessions` as compiled from server.yml: the step is the explicit one, or null for `auto`. */
export type SessionDraft = Omit<SessionLimits, 'timerResolutionMs' | 'timerResolutionAuto'> & {
  readonly timerResolutionMs: number | null;
};

/** Sessions with the scheduler step resolved once, so the runtime never derives it. */
export function resolveTimerResolution(sessions: SessionDraft, points: Pick<PointsConfig, 'profiles'>): SessionLimits {
  if (sessions.timerResolutionMs !== null)
    return { ...sessions, timerResolutionMs: sessions.timerResolutionMs, timerResolutionAuto: false };
  const step = Math.floor(shortestScheduledPeriod(sessions, points).ms * AUTO_RESOLUTION_SHARE);
  return {
    ...sessions,
    timerResolutionMs: Math.min(MAX_AUTO_RESOLUTION_MS, Math.max(1, step)),
    timerResolutionAuto: true,
  };
}

/** Why an explicit step does not fit the config (it would skip polls or stretch timeouts), or null. */
export function explicitResolutionProblem(
  sessions: SessionDraft,
  points: Pick<PointsConfig, 'profiles'>,
): string | null {
  if (sessions.timerResolutionMs === null) return null;
  const shortest = shortestScheduledPeriod(sessions, points);
  const limit = Math.floor(shortest.ms * MAX_EXPLICIT_RESOLUTION_SHARE);
  if (sessions.timerResolutionMs <= limit) return null;
  return `must be at most half the shortest scheduled period, ${shortest.ms}ms (${shortest.source}), so ${Math.max(1, limit)}ms at most; or auto`;
}
