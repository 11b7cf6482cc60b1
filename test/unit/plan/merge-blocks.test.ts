import { describe, expect, it } from 'vitest';
import { mergePointsIntoBlocks } from '../../../src/plan/merge-blocks.js';
import type { ReadBlock } from '../../../src/domain/config.js';
import { point } from './points.js';

function shape(blocks: ReadBlock[]): [number, number, number, number, string[]][] {
  return blocks.map((b) => [b.slave, b.fn, b.address, b.quantity, b.points.map((p) => p.name)]);
}

describe('mergePointsIntoBlocks', () => {
  it('merges adjacent points and points separated by at most the allowed gap', () => {
    const points = [
      point('a', 100),
      point('b', 101, { type: 'float32', registers: 2 }),
      point('c', 113),
      point('d', 124),
    ];
    // b ends at 102; c at 113 leaves a gap of 10 (103..112): merged. d leaves a gap of 10 after c: merged.
    expect(shape(mergePointsIntoBlocks(points, 10))).toEqual([[1, 3, 100, 25, ['a', 'b', 'c', 'd']]]);
  });

  it('splits when the gap exceeds maxReadGap', () => {
    const points = [point('a', 100), point('b', 112)];
    expect(shape(mergePointsIntoBlocks(points, 10))).toEqual([
      [1, 3, 100, 1, ['a']],
      [1, 3, 112, 1, ['b']],
    ]);
  });

  it('sorts its input first', () => {
    expect(shape(mergePointsIntoBlocks([point('b', 5), point('a', 0)], 10))).toEqual([[1, 3, 0, 6, ['a', 'b']]]);
  });

  it('splits at 125 registers and never splits a point across blocks', () => {
    const points = [point('first', 0), point('wide', 123, { type: 'float64', registers: 4 })];
    // 0..126 would be 127 registers: the float64 starts a new block rather than being cut.
    expect(shape(mergePointsIntoBlocks(points, 200))).toEqual([
      [1, 3, 0, 1, ['first']],
      [1, 3, 123, 4, ['wide']],
    ]);
    const exactly = [point('first', 0), point('last', 124)];
    expect(shape(mergePointsIntoBlocks(exactly, 200))).toEqual([[1, 3, 0, 125, ['first', 'last']]]);
  });

  it('limits coil and discrete-input blocks to 2000 bits', () => {
    const coils = [
      point('c0', 0, { fn: 1, type: 'bool' }),
      point('c1999', 1999, { fn: 1, type: 'bool' }),
      point('c2000', 2000, { fn: 1, type: 'bool' }),
    ];
    expect(shape(mergePointsIntoBlocks(coils, 5000))).toEqual([
      [1, 1, 0, 2000, ['c0', 'c1999']],
      [1, 1, 2000, 1, ['c2000']],
    ]);
  });

  it('keeps slaves and functions in separate blocks, ordered by slave then function', () => {
    const points = [point('s2', 0, { slave: 2 }), point('in', 1, { fn: 4 }), point('hold', 0)];
    expect(shape(mergePointsIntoBlocks(points, 10))).toEqual([
      [1, 3, 0, 1, ['hold']],
      [1, 4, 1, 1, ['in']],
      [2, 3, 0, 1, ['s2']],
    ]);
  });

  it('reads a shared status register once for bool points on different bits', () => {
    const points = [
      point('run', 40, { type: 'bool', bit: 0 }),
      point('fault', 40, { type: 'bool', bit: 3 }),
      point('next', 41),
    ];
    expect(shape(mergePointsIntoBlocks(points, 0))).toEqual([[1, 3, 40, 2, ['run', 'fault', 'next']]]);
  });

  it('returns no blocks for no points', () => {
    expect(mergePointsIntoBlocks([], 10)).toEqual([]);
  });
});
