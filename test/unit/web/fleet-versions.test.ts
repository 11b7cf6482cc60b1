import { describe, expect, it } from 'vitest';
import { FleetVersions } from '../../../src/web/live/fleet-versions.js';

describe('fleet versions', () => {
  it('gives the devices that joined, changed and left since a version, each once', () => {
    const v = new FleetVersions(60_000, 1000);
    v.reconcile(new Set(['A', 'B', 'C']), 0);
    const base = v.version;
    v.changed('B', false, 1);
    v.changed('D', true, 2);
    v.changed('D', false, 3);
    v.changed('D', true, 4);
    v.changed('A', true, 5); // a new session for A
    v.changed('Z', false, 6); // never a member: no change
    expect(v.since(base, 100, 10)).toEqual({ version: base + 5, upserts: ['D', 'A'], removed: ['B'] });
    expect(v.since(v.version, 100, 10)).toEqual({ version: v.version, upserts: [], removed: [] });
    expect(v.size).toBe(3);
  });

  it('brings the members in line with what is online, as changes', () => {
    const v = new FleetVersions(60_000, 1000);
    v.changed('A', true, 0);
    v.changed('GHOST', true, 0);
    const base = v.version;
    expect(v.reconcile(new Set(['A', 'B']), 1)).toBe(base + 2);
    expect(v.since(base, 100, 1)).toEqual({ version: base + 2, upserts: ['B'], removed: ['GHOST'] });
  });

  it('has no delta from before what its log keeps, nor one larger than asked', () => {
    const v = new FleetVersions(1000, 3);
    v.changed('A', true, 0);
    v.changed('B', true, 0);
    expect(v.since(0, 1, 0)).toBeNull();
    expect(v.since(0, 2, 0)).not.toBeNull();
    v.changed('C', true, 0);
    v.changed('D', true, 0);
    // Four changes, three kept: version 0 is out of reach, version 1 is not.
    expect(v.since(0, 100, 0)).toBeNull();
    expect(v.since(1, 100, 0)?.upserts).toEqual(['B', 'C', 'D']);
    // And after the time the log keeps.
    expect(v.since(1, 100, 2000)).toBeNull();
    expect(v.since(v.version, 100, 2000)).toEqual({ version: 4, upserts: [], removed: [] });
    expect(v.since(99, 100, 0)).toBeNull();
  });
});
