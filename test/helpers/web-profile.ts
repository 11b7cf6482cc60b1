// A points.yml patch for web tests: one slave polled every 100 ms with short timeouts, so
// live frames, failures and writes happen within a test's time.
import type { HarnessOptions } from './app-harness.js';

export const WEB_PROFILE = 'web-fast';

export function webProfile(extra: HarnessOptions['server'] = () => undefined): HarnessOptions {
  return {
    server: extra,
    points: (p) => {
      p.profiles[WEB_PROFILE] = {
        timing: {
          responseTimeout: '150ms',
          retries: 0,
          interRequestDelay: '0ms',
          quietAfterTimeout: '20ms',
          backoffAfterFailures: 100,
        },
        slaves: [{ id: 1, name: 'meter' }],
        pollOnConnect: true,
        tasks: [{ name: 'meter', slave: 1, address: 0, quantity: 2, every: '100ms' }],
        points: [{ name: 'energy', slave: 1, address: 0, type: 'uint32', unit: 'kWh' }],
      };
      p.devices = [{ default: WEB_PROFILE }];
    },
  };
}
