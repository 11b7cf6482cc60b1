// A points.yml patch for DL/T 645 tests: profile `meters` with three 2007 meters and a
// Modbus slave on one bus, and profile `lone-meter` with one meter whose address is
// discovered. Polled every 100 ms with short timeouts and a quick backoff.
import type { HarnessOptions } from './app-harness.js';

export const METER_A = '210220003011';
export const METER_B = '000000000002';
export const METER_DEAD = '000000000099';

const timing = {
  responseTimeout: '150ms',
  retries: 0,
  interRequestDelay: '0ms',
  quietAfterTimeout: '20ms',
  backoffAfterFailures: 2,
  backoffInitial: '400ms',
  backoffMax: '800ms',
};

export const meters: HarnessOptions = {
  points: (p) => {
    p.profiles['meters'] = {
      timing,
      slaves: [
        { id: 1, name: 'incomer', protocol: 'dlt645-2007', meterAddress: METER_A },
        // Unquoted in YAML this is the number 2: the zeros are padding.
        { id: 2, name: 'feeder', protocol: 'dlt645-2007', meterAddress: 2 },
        { id: 3, name: 'dead', protocol: 'dlt645-2007', meterAddress: METER_DEAD },
        { id: 5, name: 'sensor' },
      ],
      tasks: [
        { name: 'fast', points: ['a.voltage', 'a.current', 'b.voltage', 'dead.voltage', 'level'], every: '100ms' },
        { name: 'slow', points: ['a.energy', 'a.pf', 'a.date', 'b.energy', 'b.power'], every: '200ms' },
      ],
      points: [
        { name: 'a.voltage', slave: 1, identifier: 'voltage.a' },
        { name: 'a.current', slave: 1, identifier: 'current.a' },
        { name: 'a.energy', slave: 1, identifier: 'energy.active.forward' },
        { name: 'a.pf', slave: 1, identifier: 'power.factor' },
        { name: 'a.date', slave: 1, identifier: 'date' },
        { name: 'b.voltage', slave: 2, identifier: 'voltage.a' },
        { name: 'b.energy', slave: 2, identifier: 'energy.active.forward', unit: 'MWh', scale: 0.001 },
        { name: 'b.power', slave: 2, identifier: 'power.active' },
        { name: 'dead.voltage', slave: 3, identifier: 'voltage.a' },
        { name: 'level', slave: 5, address: 0, type: 'int16', scale: 0.1 },
      ],
    };
    p.profiles['lone-meter'] = {
      timing,
      slaves: [{ id: 1, name: 'meter', protocol: 'dlt645-2007', meterAddress: 'discover' }],
      tasks: [{ name: 'all', points: 'all', every: '100ms' }],
      points: [
        { name: 'voltage', identifier: 'voltage.b' },
        { name: 'frequency', identifier: 'frequency' },
      ],
    };
    p.devices = [{ pattern: '^LONE', profile: 'lone-meter' }, { default: 'meters' }];
  },
};
