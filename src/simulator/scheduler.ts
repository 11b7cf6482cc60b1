// The simulator's DTUs run their heartbeats and pushes on the link layer's scheduler, the
// same one the gateway polls with: 10,000 simulated DTUs then hold one Node timer.
import { TickScheduler, type Clock } from '../link/index.js';

/** Heartbeats may be up to a tick late, like a real DTU's; 20 ms is far below their periods. */
const SIMULATOR_TICK_MS = 20;

/** A scheduler on `clock` whose timer never keeps the process alive (sockets and callers do). */
export function simulatorScheduler(clock: Clock): TickScheduler {
  return new TickScheduler(SIMULATOR_TICK_MS, clock, true);
}
