// The one clock shape of dtuhub: everything that reads time takes a Clock, so tests can
// hand in a fake one. Two kinds exist because they answer different questions.

export interface Clock {
  now(): number;
}

/** Wall-clock milliseconds (UTC epoch): for times that are stored or shown. */
export const systemClock: Clock = { now: () => Date.now() };

/** Monotonic milliseconds: a wall-clock step (NTP, a resumed VM) must not stall or burst the schedules. */
export const monotonicClock: Clock = { now: () => globalThis.performance.now() };
