import { describe, expect, it } from 'vitest';
import { RawPacketByteBudget, trimThrough } from '../../../src/storage/raw-packet-budget.js';

describe('raw packet byte budget', () => {
  it('counts the table the first time, then trims to 90 % of the budget once past it', () => {
    let now = 0;
    const budget = new RawPacketByteBudget(1000, () => now);
    expect(budget.needsCount(400)).toBe(true);
    budget.counted(400);
    expect(budget.excess()).toBe(0);
    expect(budget.needsCount(700)).toBe(false); // counted just now: the running figure is trusted
    expect(budget.excess()).toBe(1100 - 900);
    budget.deleted(200);
    expect(budget.excess()).toBe(0);
    now = 60_000;
    expect(budget.needsCount(200)).toBe(true); // past the budget a minute later: count again
    budget.counted(500); // the age sweep had deleted rows meanwhile
    expect(budget.excess()).toBe(0);
  });

  it('counts again after a rolled-back commit, and never with no budget', () => {
    const budget = new RawPacketByteBudget(1000, () => 0);
    budget.counted(10);
    budget.forget();
    expect(budget.needsCount(5)).toBe(true);
    const none = new RawPacketByteBudget(0, () => 0);
    expect(none.needsCount(1e9)).toBe(false);
    expect(none.excess()).toBe(0);
  });

  it('trims to a budget lowered live from its running figure, and counts first when one is turned on', () => {
    const budget = new RawPacketByteBudget(1000, () => 0);
    budget.counted(800);
    budget.resize(500);
    expect(budget.excess()).toBe(800 - 450);
    const off = new RawPacketByteBudget(0, () => 0);
    off.resize(500);
    expect(off.needsCount(10)).toBe(true);
  });

  it('picks the oldest rows that free enough bytes', () => {
    const rows = [
      { id: 3, bytes: 100 },
      { id: 4, bytes: 50 },
      { id: 9, bytes: 200 },
    ];
    expect(trimThrough(rows, 120)).toEqual({ lastId: 4, freed: 150 });
    expect(trimThrough(rows, 100)).toEqual({ lastId: 3, freed: 100 });
    expect(trimThrough(rows, 1000)).toEqual({ lastId: 9, freed: 350 });
  });
});
