import { describe, expect, it } from 'vitest';
import { UnreachableTracker } from '../../../src/web/live/unreachable-tracker.js';

describe('unreachable tracker', () => {
  it('reports a device unreachable once, at the third consecutive failure, and reachable after a success', () => {
    const t = new UnreachableTracker(3);
    expect(t.failed('d').change).toBeNull();
    expect(t.failed('d').change).toBeNull();
    expect(t.failed('d')).toEqual({ change: 'unreachable', failures: 3 });
    expect(t.failed('d').change).toBeNull();
    expect(t.isUnreachable('d')).toBe(true);
    expect(t.succeeded('d')).toBe('reachable');
    expect(t.succeeded('d')).toBeNull();
  });

  it('starts counting again after a success in between', () => {
    const t = new UnreachableTracker(3);
    t.failed('d');
    t.failed('d');
    t.succeeded('d');
    expect(t.failed('d').change).toBeNull();
  });
});
