import { describe, expect, it } from 'vitest';
import type { DtuEvent } from '../../../src/events/event.js';
import { StoreHealthWatch } from '../../../src/events/store-health-watch.js';
import type { StoreHealth, WriterStats } from '../../../src/storage/index.js';

function health(state: StoreHealth['state'], rowsDropped: number): StoreHealth {
  const writer: WriterStats = {
    rowsAccepted: 0,
    rowsWritten: 0,
    rowsSpilled: 0,
    rowsBuffered: 0,
    rowsDropped,
    flushes: 0,
    failures: 0,
    lastFlushMs: null,
    batchesInFlight: 0,
  };
  return {
    driver: 'mysql',
    where: 'x',
    state,
    since: 0,
    lastError: 'spill journal is full',
    rowsOnDisk: 7,
    bytesOnDisk: 0,
    writer,
  };
}

describe('StoreHealthWatch', () => {
  it('raises one store.dropped per episode of lost rows, not one per check that saw more', () => {
    const raised: DtuEvent[] = [];
    let now = health('ok', 0);
    const watch = new StoreHealthWatch(
      () => now,
      (e) => raised.push(e),
    );
    const run = (state: StoreHealth['state'], dropped: number[]) => {
      for (const d of dropped) {
        now = health(state, d);
        watch.check();
      }
    };
    run('spilling', [0, 100, 250, 900, 900, 1400]); // one episode, with a pause of one check
    run(
      'spilling',
      Array.from({ length: 10 }, () => 1400),
    ); // quiet long enough: over
    run('spilling', [1500, 1600]); // a second episode
    const drops = raised.filter((e) => e.type === 'store.dropped');
    expect(drops.map((e) => e.payload)).toEqual([
      { driver: 'mysql', state: 'spilling', lastError: 'spill journal is full', rowsOnDisk: 7, rowsDropped: 100 },
      { driver: 'mysql', state: 'spilling', lastError: 'spill journal is full', rowsOnDisk: 7, rowsDropped: 1500 },
    ]);
    expect(raised.filter((e) => e.type === 'store.spilling')).toHaveLength(1);
  });
});
