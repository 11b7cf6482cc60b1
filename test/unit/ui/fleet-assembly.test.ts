import { describe, expect, it } from 'vitest';
import { FleetAssembly } from '../../../ui/src/lib/fleet-assembly.js';
import type { FleetDevice } from '../../../ui/src/lib/types.js';

const device = (id: string, ip = '10.0.0.1') => ({ registrationId: id, ip }) as FleetDevice;
const page = (page: number, pages: number, devices: FleetDevice[], version = 7) =>
  ({ type: 'snapshot', topic: 'fleet', version, page, pages, online: 3, devices, at: 1 }) as const;
const ids = (snapshot: { devices: FleetDevice[] } | null) => snapshot?.devices.map((d) => d.registrationId);

describe('fleet assembly', () => {
  it('hands out the fleet once its last page is in', () => {
    const a = new FleetAssembly();
    expect(a.apply(page(1, 2, [device('A'), device('B')]))).toBeNull();
    const whole = a.apply(page(2, 2, [device('C')]));
    expect(whole).toMatchObject({ type: 'snapshot', topic: 'fleet', version: 7, page: 1, pages: 1, online: 3 });
    expect(ids(whole)).toEqual(['A', 'B', 'C']);
  });

  it('applies deltas to the fleet it has, and starts over with a new first page', () => {
    const a = new FleetAssembly();
    a.apply(page(1, 1, [device('A'), device('B')]));
    const after = a.apply({
      type: 'delta',
      topic: 'fleet',
      since: 7,
      version: 9,
      online: 2,
      devices: [device('B', '10.0.0.2'), device('C')],
      removed: ['A'],
      at: 2,
    });
    expect(after).toMatchObject({ version: 9, online: 2 });
    expect(after?.devices).toEqual([device('B', '10.0.0.2'), device('C')]);
    expect(ids(a.apply(page(1, 1, [device('X')], 12)))).toEqual(['X']);
  });

  it('ignores a stray page or delta it cannot place', () => {
    const a = new FleetAssembly();
    expect(a.apply(page(2, 2, [device('A')]))).toBeNull();
    expect(
      a.apply({ type: 'delta', topic: 'fleet', since: 1, version: 2, online: 0, devices: [], removed: [], at: 1 }),
    ).toBeNull();
    a.apply(page(1, 1, [device('A')]));
    a.reset();
    expect(
      a.apply({ type: 'delta', topic: 'fleet', since: 7, version: 8, online: 0, devices: [], removed: [], at: 1 }),
    ).toBeNull();
  });
});
