import { describe, expect, it } from 'vitest';
import type { DeviceSummary } from '../../../src/services/index.js';
import { filterDevices, sortDevices } from '../../../src/services/index.js';

const device = (id: string, fields: Partial<DeviceSummary>): DeviceSummary =>
  ({
    registrationId: id,
    name: null,
    group: null,
    tags: [],
    profile: 'p',
    status: 'offline',
    lastSeen: null,
    ...fields,
  }) as DeviceSummary;

const fleet = [
  device('D3', { group: 'north', tags: ['pump'], lastSeen: 3000, name: 'Chiller' }),
  device('D1', { group: 'south', tags: ['fan', 'pump'], lastSeen: 1000, name: 'Boiler' }),
  device('D2', { group: 'north', status: 'online', lastSeen: 500, name: 'Aerator' }),
  device('D4', { profile: 'other', lastSeen: 2000 }),
];
const ids = (list: DeviceSummary[]) => list.map((d) => d.registrationId);

describe('choosing devices of the fleet', () => {
  it('filters by status, group, tag, profile, IDs and search together', () => {
    expect(ids(filterDevices(fleet, { group: 'north' }))).toEqual(['D3', 'D2']);
    expect(ids(filterDevices(fleet, { tag: 'pump', status: 'offline' }))).toEqual(['D3', 'D1']);
    expect(ids(filterDevices(fleet, { profile: 'other' }))).toEqual(['D4']);
    expect(ids(filterDevices(fleet, { ids: ['D1', 'D4', 'NOPE'] }))).toEqual(['D1', 'D4']);
    expect(ids(filterDevices(fleet, { search: 'boil' }))).toEqual(['D1']);
  });

  it('sorts by last seen with online devices as seen now, and by name', () => {
    expect(ids(sortDevices(fleet, 'lastSeen', 'asc', 10_000))).toEqual(['D1', 'D4', 'D3', 'D2']);
    expect(ids(sortDevices(fleet, 'lastSeen', 'desc', 10_000))).toEqual(['D2', 'D3', 'D4', 'D1']);
    expect(ids(sortDevices(fleet, 'name', 'asc', 0))).toEqual(['D4', 'D2', 'D1', 'D3']);
    expect(ids(sortDevices(fleet, 'id', 'asc', 0))).toEqual(['D1', 'D2', 'D3', 'D4']);
  });
});
