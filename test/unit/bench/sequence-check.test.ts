// The sinks scenario's receiver-side checks: per-device sequence numbers (in order, gaps,
// late arrivals, duplicates, missing against what was offered) and the cheap parse of the
// bench's own InfluxDB lines.
import { describe, expect, it } from 'vitest';
import { SequenceCheck } from '../../../bench/sequence-check.js';
import { parseBenchLine } from '../../../bench/sink-receivers.js';

describe('SequenceCheck', () => {
  it('counts records and points taken in order, with nothing missing', () => {
    const check = new SequenceCheck();
    for (let seq = 0; seq < 3; seq++) {
      check.take('A', seq, 50);
      check.take('B', seq, 50);
    }
    expect(
      check.summary(
        new Map([
          ['A', 3],
          ['B', 3],
        ]),
      ),
    ).toEqual({
      records: 6,
      points: 300,
      duplicates: 0,
      outOfOrder: 0,
      missing: 0,
    });
  });

  it('counts a record sent again as a duplicate, not as points received', () => {
    const check = new SequenceCheck();
    for (const seq of [0, 1, 2, 1, 2, 3]) check.take('A', seq, 10);
    expect(check.summary(new Map([['A', 4]]))).toMatchObject({ records: 4, points: 40, duplicates: 2, missing: 0 });
  });

  it('counts a record that fills a gap after a later one as out of order', () => {
    const check = new SequenceCheck();
    for (const seq of [0, 2, 3, 1, 4]) check.take('A', seq, 1);
    expect(check.summary(new Map([['A', 5]]))).toMatchObject({ records: 5, outOfOrder: 1, duplicates: 0, missing: 0 });
  });

  it('knows a late copy of an early record for a duplicate', () => {
    const check = new SequenceCheck();
    for (const seq of [0, 2, 2, 1]) check.take('A', seq, 1);
    expect(check.summary(new Map([['A', 3]]))).toMatchObject({ records: 3, duplicates: 1, outOfOrder: 1 });
  });

  it('reports what was offered and never came as missing, gaps included', () => {
    const check = new SequenceCheck();
    for (const seq of [0, 1, 3]) check.take('A', seq, 1);
    expect(
      check.summary(
        new Map([
          ['A', 5],
          ['B', 2],
        ]),
      ).missing,
    ).toBe(2 + 2);
  });
});

describe('parseBenchLine', () => {
  it('reads the device tag, p0 as the sequence number, the field count and the time', () => {
    expect(parseBenchLine('bench,device=SB-0007,profile=bench p0=12,p1=3.5,p2=-1 1765000000123')).toEqual({
      device: 'SB-0007',
      seq: 12,
      points: 3,
      ts: 1765000000123,
    });
    expect(parseBenchLine('bench,profile=bench,device=SB-0001 p0=0 1')).toEqual({
      device: 'SB-0001',
      seq: 0,
      points: 1,
      ts: 1,
    });
  });

  it('refuses lines that are not the bench’s', () => {
    expect(parseBenchLine('bench,profile=bench p0=1 1')).toBeNull();
    expect(parseBenchLine('bench,device=X p1=1 1')).toBeNull();
    expect(parseBenchLine('bench,device=X p0=x 1')).toBeNull();
  });
});
