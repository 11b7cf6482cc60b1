// The alarm lifecycle on hand-made rule outputs, with an in-memory store: one open alarm per
// (rule, device), acknowledgement and clearing independent, event alarms cleared by their
// counterpart, one-shot alarms, a reload clearing a changed rule's alarms.
import { describe, expect, it } from 'vitest';
import type { RuleDef } from '../../../../src/domain/rules.js';
import { AlarmBook } from '../../../../src/events/alarms/alarm-book.js';
import { makeEvent } from '../../../../src/events/event.js';
import { silentLogger } from '../../../../src/log.js';
import type { AlarmPage, AlarmRecord, AlarmStore } from '../../../../src/storage/index.js';

class MemoryStore implements AlarmStore {
  readonly rows = new Map<string, AlarmRecord>();
  async start(): Promise<void> {}
  async close(): Promise<void> {}
  async save(records: readonly AlarmRecord[]): Promise<void> {
    for (const r of records) this.rows.set(r.id, { ...r });
  }
  async open(): Promise<AlarmRecord[]> {
    return [...this.rows.values()].filter((r) => r.clearedAt === null || r.ackedAt === null);
  }
  async list(): Promise<AlarmPage> {
    return { alarms: [...this.rows.values()], total: this.rows.size };
  }
}

const EVERY = { ids: null, pattern: null, profiles: null };
const hot: RuleDef = {
  name: 'hot',
  description: '',
  severity: 'critical',
  alarm: true,
  source: {
    kind: 'point',
    point: 'temp',
    condition: { kind: 'compare', op: '>', value: 30 },
    hysteresis: 0,
    forMs: 0,
    recovery: true,
    clearForMs: 0,
  },
  devices: EVERY,
  cooldownMs: 0,
  debounceMs: 0,
  actions: [],
};
const down: RuleDef = {
  ...hot,
  name: 'down',
  severity: 'major',
  source: { kind: 'events', types: ['device.offline', 'poll.failed'] },
};

const fired = (device: string, value: number, at: number) =>
  makeEvent('rule.fired', device, at, { point: 'temp', value, condition: '> 30' }, 'hot');
const recovered = (device: string, value: number, at: number) =>
  makeEvent('rule.recovered', device, at, { point: 'temp', value, condition: '> 30' }, 'hot');

async function book(): Promise<{ book: AlarmBook; store: MemoryStore; changes: (string | null)[] }> {
  const store = new MemoryStore();
  const changes: (string | null)[] = [];
  const b = new AlarmBook(store, silentLogger(), (d) => changes.push(d), { now: () => 9_000 });
  await b.start();
  return { book: b, store, changes };
}

describe('the alarm book', () => {
  it('keeps one open alarm per rule and device; a re-fire counts on it', async () => {
    const { book: b, store, changes } = await book();
    b.onRuleOutput(fired('D1', 31, 1000), hot);
    b.onRuleOutput(recovered('D1', 29, 2000), hot);
    b.onRuleOutput(fired('D1', 33, 3000), hot); // cleared but unacknowledged: active again
    b.onRuleOutput(fired('D2', 35, 3000), hot);
    await b.flush();
    const open = b.open();
    expect(open.map((a) => [a.registrationId, a.fireCount, a.value, a.clearedAt, a.text])).toEqual([
      ['D1', 2, 33, null, 'temp > 30'],
      ['D2', 1, 35, null, 'temp > 30'],
    ]);
    expect(store.rows.size).toBe(2);
    expect(changes).toEqual(['D1', 'D1', 'D1', 'D2']);
    expect(b.summary()).toMatchObject({ open: 2, active: { critical: 2 }, unacknowledged: { critical: 2 } });
  });

  it('leaves the list only when both cleared and acknowledged, in either order', async () => {
    const { book: b, store } = await book();
    b.onRuleOutput(fired('D1', 31, 1000), hot);
    b.onRuleOutput(fired('D2', 31, 1000), hot);
    const [one, two] = b.open();
    // D1: acknowledged first (still active), then cleared.
    expect((await b.acknowledge([one!.id], 'op', 'seen')).acknowledged).toHaveLength(1);
    expect(b.summary()).toMatchObject({ open: 2, active: { critical: 2 }, unacknowledged: { critical: 1 } });
    b.onRuleOutput(recovered('D1', 20, 2000), hot);
    // D2: cleared first (return to normal, unacknowledged), then acknowledged.
    b.onRuleOutput(recovered('D2', 20, 2000), hot);
    expect(b.open().map((a) => a.registrationId)).toEqual(['D2']);
    await b.acknowledge([two!.id], 'op', null);
    expect(b.open()).toEqual([]);
    await b.flush();
    expect(
      [...store.rows.values()].map((a) => [a.registrationId, a.ackedBy, a.ackedAt, a.clearedAt, a.clearValue]),
    ).toEqual([
      ['D1', 'op', 9000, 2000, 20],
      ['D2', 'op', 9000, 2000, 20],
    ]);
  });

  it('clears an offline alarm on the device coming online; an event without a counterpart is cleared at once', async () => {
    const { book: b } = await book();
    b.onRuleOutput(makeEvent('device.offline', 'D1', 1000, { reason: 'closed' }), down);
    b.onRuleOutput(makeEvent('poll.failed', 'D2', 1000, {}), down);
    b.onRuleOutput(makeEvent('device.online', 'D1', 1500, {}), down); // good news never raises
    expect(b.open().map((a) => [a.registrationId, a.eventType, a.clearedAt])).toEqual([
      ['D1', 'device.offline', null],
      ['D2', 'poll.failed', 1000],
    ]);
    b.onEvent(makeEvent('device.online', 'D2', 2000, {}));
    expect(b.summary().active.major).toBe(1);
    b.onEvent(makeEvent('device.online', 'D1', 2000, {}));
    expect(b.summary()).toMatchObject({ open: 2, active: { major: 0 }, unacknowledged: { major: 2 } });
  });

  it('raises nothing for a rule that is not an alarm, and clears the alarms of a changed rule on reload', async () => {
    const { book: b } = await book();
    b.onRuleOutput(fired('D1', 31, 1000), { ...hot, alarm: false });
    expect(b.open()).toEqual([]);
    b.onRuleOutput(fired('D1', 31, 1000), hot);
    b.rulesChanged([hot], new Set(['other']));
    expect(b.summary().active.critical).toBe(1);
    b.rulesChanged([hot], new Set(['hot']));
    expect(b.open()).toMatchObject([{ clearedAt: 9000, ackedAt: null }]);
  });

  it("keeps an event rule's alarms through an edit of the rule, and clears them when it is removed", async () => {
    const { book: b } = await book();
    b.onRuleOutput(makeEvent('device.offline', 'D1', 1000, { reason: 'closed' }), down);
    // Only the actions changed: the device is still offline and will not say so again.
    b.rulesChanged([hot, { ...down, actions: [{ kind: 'log', level: 'warn' }] }], new Set(['down']));
    expect(b.open().map((a) => [a.registrationId, a.clearedAt])).toEqual([['D1', null]]);
    b.rulesChanged([hot, { ...down, alarm: false }], new Set(['down']));
    expect(b.open().map((a) => [a.registrationId, a.clearedAt])).toEqual([['D1', 9000]]);
  });

  it('loads the open alarms at start', async () => {
    const { book: b, store } = await book();
    b.onRuleOutput(fired('D1', 31, 1000), hot);
    await b.stop();
    const again = new AlarmBook(store, silentLogger(), () => undefined);
    await again.start();
    expect(again.open()).toEqual(b.open());
  });
});
