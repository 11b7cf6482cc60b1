// Shared pieces of the event framework tests: a webhook endpoint entry, a profile with one
// point the test sets by hand, and a way to wait until the gateway has read a value.
import type { DtuhubApp } from '../../../src/app.js';
import type { SimulatedDtu } from '../../../src/simulator/index.js';
import { waitFor } from '../../helpers/app-harness.js';

type Patch = (doc: Record<string, any>) => void;

export const SECRET = 'test-secret-0123456789';
export const OLD_SECRET = 'old-secret-9876543210';

/** A webhook endpoint with quick retries, for rules.yml. */
export function endpoint(url: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    url,
    secret: SECRET,
    timeout: '5s',
    retry: { maxAttempts: 5, initialDelay: '20ms', maxDelay: '100ms' },
    ...overrides,
  };
}

export const LEVEL_PROFILE = 'level';

/** One uint16 point `level` (slave 1, register 0) read every 50 ms, for every device. */
export const levelProfile: Patch = (p) => {
  p.profiles[LEVEL_PROFILE] = {
    timing: { responseTimeout: '1s', retries: 0, interRequestDelay: '0ms' },
    slaves: [{ id: 1, name: 'main' }],
    pollOnConnect: true,
    tasks: [{ name: 'level', slave: 1, address: 0, quantity: 1, every: '50ms' }],
    points: [{ name: 'level', slave: 1, address: 0, type: 'uint16' }],
  };
  p.devices = [{ default: LEVEL_PROFILE }];
};

/** Counts the samples of `point` the app has decoded, per value. */
export function sampleCounter(
  app: DtuhubApp,
  point: string,
): { seen(deviceId: string, value: number): number; stop(): void } {
  const counts = new Map<string, number>();
  const off = app.bus.on('data', (e) => {
    for (const s of e.samples) {
      if (s.point !== point) continue;
      const key = `${s.deviceId}\0${s.value}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  });
  return { seen: (deviceId, value) => counts.get(`${deviceId}\0${value}`) ?? 0, stop: off };
}

/** Serves `value` and waits until the app has decoded it `samples` more times. */
export async function serve(
  dtu: SimulatedDtu,
  counter: ReturnType<typeof sampleCounter>,
  deviceId: string,
  value: number,
  samples = 3,
): Promise<void> {
  const before = counter.seen(deviceId, value);
  dtu.setRegisters(1, 3, 0, [value]);
  await waitFor(() => counter.seen(deviceId, value) >= before + samples, 10_000, `${samples} samples of ${value}`);
}
