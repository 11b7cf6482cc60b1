import { describe, expect, it } from 'vitest';
import { admitDevice, matchDevice } from '../../../src/plan/device-match.js';
import { EMPTY_REGISTRY_FIELDS, type RegistryEntry } from '../../../src/domain/registry.js';
import { loadConfig } from '../../../src/config/load.js';
import type { PointsConfig } from '../../../src/domain/config.js';
import { MINIMAL_SERVER, withConfigDir } from '../config/temp-config.js';

function pointsWithDevices(devices: string): PointsConfig {
  const profile = (name: string): string => `  ${name}:
    tasks: [{ name: all, points: all, every: 30s }]
    points: [{ name: t, address: 0, type: int16 }]
`;
  const yaml = `version: 1
links:
  transparent: { framing: transparent }
profiles:
${profile('pumps')}${profile('meters')}${profile('fallback')}
devices:
${devices}`;
  return withConfigDir({ server: MINIMAL_SERVER, points: yaml }, (dir) => loadConfig(dir, {})).points;
}

describe('matchDevice', () => {
  // The default comes first in the file on purpose: file order must not beat precedence.
  const points = pointsWithDevices(`  - default: fallback
  - pattern: "^PUMP"
    profile: pumps
  - pattern: "^PUMP-0"
    profile: meters
  - id: PUMP-007
    profile: meters
    name: Pump house 7
  - id: 7001
    profile: pumps
`);

  it('prefers an exact ID over any pattern', () => {
    expect(matchDevice(points, 'PUMP-007')).toMatchObject({
      profile: { name: 'meters' },
      name: 'Pump house 7',
      listed: true,
    });
  });

  it('stores an unquoted numeric ID as its decimal text', () => {
    expect(matchDevice(points, '7001')).toMatchObject({ profile: { name: 'pumps' }, name: null, listed: true });
  });

  it('tries patterns in file order, first match wins', () => {
    expect(matchDevice(points, 'PUMP-001')).toMatchObject({ profile: { name: 'pumps' }, listed: true });
  });

  it('falls back to the default, marked as not listed', () => {
    expect(matchDevice(points, 'DTU01001')).toMatchObject({ profile: { name: 'fallback' }, name: null, listed: false });
  });

  it('returns null when nothing matches and there is no default', () => {
    const strict = pointsWithDevices('  - { id: A1, profile: pumps }\n');
    expect(matchDevice(strict, 'A1')?.profile.name).toBe('pumps');
    expect(matchDevice(strict, 'A2')).toBeNull();
  });

  it('keeps the compiled rules in precedence order', () => {
    expect(points.devices.map((d) => d.kind)).toEqual(['id', 'id', 'pattern', 'pattern', 'default']);
  });
});

describe('admitDevice', () => {
  const points = pointsWithDevices(`  - default: fallback
  - pattern: "^PUMP"
    profile: pumps
  - id: NAMED
    profile: meters
    name: From YAML
`);
  const entry = (registrationId: string, fields: Partial<RegistryEntry> = {}): RegistryEntry => ({
    ...EMPTY_REGISTRY_FIELDS,
    registrationId,
    updatedAt: null,
    ...fields,
  });
  const admit = (id: string, e: RegistryEntry | undefined, policy: 'accept' | 'reject' = 'accept') => {
    const a = admitDevice(points, id, e, policy);
    return a.admitted ? { profile: a.profile.name, name: a.name } : a.reason;
  };

  it('refuses a disabled device even when points.yml lists it', () => {
    expect(admit('NAMED', entry('NAMED', { enabled: false }))).toBe('disabled');
    expect(admit('OTHER', entry('OTHER', { enabled: false }), 'reject')).toBe('disabled');
  });

  it('lets points.yml pick the profile and name where it sets them, the registry elsewhere', () => {
    expect(admit('NAMED', entry('NAMED', { name: 'Mine', profileOverride: 'pumps' }))).toEqual({
      profile: 'meters',
      name: 'From YAML',
    });
    expect(admit('PUMP-1', entry('PUMP-1', { name: 'Mine', profileOverride: 'meters' }))).toEqual({
      profile: 'pumps',
      name: 'Mine',
    });
    expect(admit('X', entry('X', { profileOverride: 'meters' }))).toEqual({ profile: 'meters', name: null });
    expect(admit('X', entry('X', { profileOverride: 'gone' }))).toEqual({ profile: 'fallback', name: null });
  });

  it('counts a registry entry as listed under unknownIds: reject', () => {
    expect(admit('STRANGER', undefined, 'reject')).toBe('unknown');
    expect(admit('KNOWN', entry('KNOWN'), 'reject')).toEqual({ profile: 'fallback', name: null });
    expect(admit('PUMP-2', undefined, 'reject')).toEqual({ profile: 'pumps', name: null });
  });
});
