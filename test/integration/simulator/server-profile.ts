// A profile for the simulator's server modes: the user's points on slave 1 (fc 03), input
// registers on slave 2 (fc 04) and coils and discrete inputs on slave 1, so every read
// function has values that move with time.
import type { DeviceProfile } from '../../../src/domain/config.js';
import { point, profile, userPoints } from '../../unit/simulator/config-fixtures.js';

export const serverPoints = [
  ...userPoints,
  point({ name: 'level', slave: 2, fn: 4, address: 10, scale: 0.1 }),
  point({ name: 'energy', slave: 2, fn: 4, address: 12, type: 'uint32', registers: 2 }),
  point({ name: 'pump', slave: 1, fn: 1, address: 5, type: 'bool' }),
  point({ name: 'door', slave: 1, fn: 2, address: 3, type: 'bool' }),
];

export function serverProfile(): DeviceProfile {
  return profile(serverPoints);
}

/** Words the model serves that change over ten minutes (so a test can tell instants apart). */
export const MOVING_RANGE = { slave: 1, fn: 3, address: 2000, quantity: 41 } as const;
