// A points.yml patch for Modbus master tests: a profile `two-slaves` with slaves 1 and 2,
// each polled every 100 ms with short timeouts and a quick backoff.
import type { HarnessOptions } from './app-harness.js';

export const TWO_SLAVES = 'two-slaves';

/** A profile with two slaves polled every 100 ms, short timeouts and a quick backoff. */
export const twoSlaves: HarnessOptions = {
  points: (p) => {
    p.profiles['two-slaves'] = {
      timing: {
        responseTimeout: '150ms',
        retries: 0,
        interRequestDelay: '0ms',
        quietAfterTimeout: '20ms',
        backoffAfterFailures: 2,
        backoffInitial: '400ms',
        backoffMax: '800ms',
      },
      slaves: [
        { id: 1, name: 'meter' },
        { id: 2, name: 'sensor' },
      ],
      pollOnConnect: true,
      tasks: [
        { name: 'meter', slave: 1, address: 0, quantity: 2, every: '100ms' },
        { name: 'sensor', slave: 2, address: 0, quantity: 2, every: '100ms' },
      ],
      points: [
        { name: 'energy', slave: 1, address: 0, type: 'uint32' },
        { name: 'level', slave: 2, address: 0, type: 'int16', scale: 0.1 },
      ],
    };
    p.devices = [{ default: 'two-slaves' }];
  },
};
