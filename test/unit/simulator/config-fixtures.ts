// Compiled-shape link and profile configs for simulator tests (no YAML involved).
import type { AsciiRegistration, DeviceProfile, LinkConfig, ModbusTiming } from '../../../src/domain/config.js';
import { STORE_EVERY_SAMPLE } from '../../../src/domain/history-policy.js';

import type { PointDef } from '../../../src/domain/point.js';

export const ascii: AsciiRegistration = {
  type: 'ascii',
  mode: 'once',
  maxLength: 40,
  length: null,
  pattern: null,
  terminator: null,
};

export function transparentLink(overrides: Partial<LinkConfig> = {}): LinkConfig {
  return {
    name: 'transparent',
    framing: 'transparent',
    registration: ascii,
    heartbeat: { pattern: Buffer.from('HB'), reply: null },
    unknownIds: 'accept',
    duplicateIds: 'replace',
    typed: null,
    ...overrides,
  };
}

export function typedLink(overrides: Partial<LinkConfig> = {}): LinkConfig {
  return transparentLink({
    name: 'typed',
    framing: 'typed',
    registration: { type: 'integer', mode: 'once', bytes: 4, endian: 'big' },
    heartbeat: null,
    typed: {
      heartbeatType: 0x02,
      dataType: 0x03,
      modbusType: 0x04,
      ackRegistration: 0x01,
      ackHeartbeat: 0x02,
      ackData: 0x03,
    },
    ...overrides,
  });
}

export function point(overrides: Partial<PointDef> & Pick<PointDef, 'name' | 'address'>): PointDef {
  return {
    slave: 1,
    fn: 3,
    type: 'uint16',
    order: 'ABCD',
    registers: 1,
    scale: 1,
    offset: 0,
    history: STORE_EVERY_SAMPLE,
    ...overrides,
  };
}

const timing: ModbusTiming = {
  responseTimeoutMs: 3000,
  retries: 1,
  interRequestDelayMs: 0,
  quietAfterTimeoutMs: 200,
  maxReadGap: 10,
  backoffAfterFailures: 3,
  backoffInitialMs: 1000,
  backoffMaxMs: 8000,
};

/** The user's example profile: temperature, humidity, pressure, … on slave 1, fn 03. */
export const userPoints: readonly PointDef[] = [
  point({ name: 'temperature', address: 2000, type: 'int16', scale: 0.1, unit: '°C' }),
  point({ name: 'humidity', address: 2010, type: 'float32', registers: 2, unit: '%RH' }),
  point({ name: 'pressure', address: 2020, type: 'int16', scale: 0.01 }),
  point({ name: 'flow_rate', address: 2030, type: 'float32', registers: 2 }),
  point({ name: 'status', address: 2040 }),
  point({ name: 'voltage', address: 2200, scale: 0.1, unit: 'V' }),
  point({ name: 'current', address: 2202, scale: 0.01, unit: 'A' }),
  point({ name: 'rpm', address: 2300, unit: 'rpm' }),
  point({ name: 'frequency', address: 2400, scale: 0.1, unit: 'Hz' }),
];

export function profile(
  points: readonly PointDef[] = userPoints,
  overrides: Partial<DeviceProfile> = {},
): DeviceProfile {
  const slaves = [...new Set(points.map((p) => p.slave))].map((id) => ({ id, name: `slave ${id}` }));
  return {
    name: 'test-profile',
    description: '',
    heartbeat: null,
    timing,
    slaves,
    points,
    tasks: [
      {
        name: 'main',
        schedule: { kind: 'interval', everyMs: 30_000 },
        blocks: [{ slave: 1, fn: 3, address: 2000, quantity: 41, points: points.filter((p) => p.address < 2100) }],
      },
    ],
    pollOnConnect: true,
    ...overrides,
  };
}
