// What every alarm store must do, on SQLite and MariaDB alike: a raised alarm round trips
// whole, its changes (re-fire, acknowledgement, clearing) update the one row, the open
// alarms are those not both cleared and acknowledged, and the list filters and pages.
import { expect, it } from 'vitest';
import type { AlarmRecord, AlarmStore } from '../../../src/storage/index.js';
import { T0 } from './history-fixture.js';

export interface AlarmFixture {
  readonly store: AlarmStore;
  /** Rows of `alarms` by plain SQL, for what the table itself holds. */
  rows(): Promise<Record<string, unknown>[]>;
}

function alarm(id: string, fields: Partial<AlarmRecord> = {}): AlarmRecord {
  return {
    id,
    rule: 'high-temperature',
    registrationId: 'DTU-1',
    point: 'temperature',
    eventType: 'rule.fired',
    severity: 'major',
    value: 31.5,
    text: 'Temperature above 30 °C 温度过高',
    raisedAt: T0,
    fireCount: 1,
    clearedAt: null,
    clearValue: null,
    ackedAt: null,
    ackedBy: null,
    ackComment: null,
    updatedAt: T0,
    ...fields,
  };
}

export function declareAlarmStoreContract(open: () => Promise<AlarmFixture>): void {
  it('keeps every field of a raised alarm and updates the same row as it changes', async () => {
    const { store, rows } = await open();
    const a = alarm('a-1');
    await store.save([a]);
    expect(await store.open()).toEqual([a]);
    const changed: AlarmRecord = {
      ...a,
      fireCount: 2,
      value: 33,
      ackedAt: T0 + 5000,
      ackedBy: 'op',
      ackComment: '已通知维修 / maintenance called',
      updatedAt: T0 + 5000,
    };
    await store.save([changed]);
    expect(await store.open()).toEqual([changed]);
    const cleared: AlarmRecord = { ...changed, clearedAt: T0 + 9000, clearValue: 29, updatedAt: T0 + 9000 };
    await store.save([cleared]);
    // Cleared and acknowledged: no longer open, still in the list.
    expect(await store.open()).toEqual([]);
    expect((await store.list()).alarms).toEqual([cleared]);
    const table = await rows();
    expect(table).toHaveLength(1);
    expect(table[0]).toMatchObject({ id: 'a-1', acked_by: 'op', ack_comment: '已通知维修 / maintenance called' });
    expect(Number(table[0]!['cleared_at'])).toBe(T0 + 9000);
  });

  it('stores a value that is not a finite number as null', async () => {
    const { store } = await open();
    await store.save([
      alarm('nan', { value: Number.NaN, point: null, registrationId: null, eventType: 'store.degraded' }),
    ]);
    expect(await store.open()).toMatchObject([{ id: 'nan', value: null, registrationId: null, point: null }]);
  });

  it('filters by state, severity, device, rule and time, newest first, with a total for paging', async () => {
    const { store } = await open();
    await store.save([
      alarm('active', { raisedAt: T0 + 1000 }),
      alarm('acked', { raisedAt: T0 + 2000, ackedAt: T0 + 2500, ackedBy: 'op', severity: 'critical' }),
      alarm('rtn', { raisedAt: T0 + 3000, clearedAt: T0 + 3500, registrationId: 'DTU-2' }),
      alarm('closed', { raisedAt: T0 + 4000, clearedAt: T0 + 4100, ackedAt: T0 + 4200, rule: 'status-alarm-bit' }),
    ]);
    const ids = async (q: Parameters<AlarmStore['list']>[0]) => (await store.list(q)).alarms.map((a) => a.id);
    expect(await ids({})).toEqual(['closed', 'rtn', 'acked', 'active']);
    expect((await store.open()).map((a) => a.id)).toEqual(['active', 'acked', 'rtn']);
    expect(await ids({ state: 'open' })).toEqual(['rtn', 'acked', 'active']);
    expect(await ids({ state: 'active' })).toEqual(['acked', 'active']);
    expect(await ids({ state: 'unacknowledged' })).toEqual(['rtn', 'active']);
    expect(await ids({ state: 'cleared' })).toEqual(['closed', 'rtn']);
    expect(await ids({ state: 'acknowledged' })).toEqual(['closed', 'acked']);
    expect(await ids({ state: 'closed' })).toEqual(['closed']);
    expect(await ids({ severity: ['critical'] })).toEqual(['acked']);
    expect(await ids({ severity: ['critical', 'major'] })).toEqual(['closed', 'rtn', 'acked', 'active']);
    expect(await ids({ device: 'DTU-2' })).toEqual(['rtn']);
    expect(await ids({ rule: 'status-alarm-bit' })).toEqual(['closed']);
    expect(await ids({ from: T0 + 2000, to: T0 + 4000 })).toEqual(['rtn', 'acked']);
    const page = await store.list({ limit: 2, offset: 1 });
    expect(page.alarms.map((a) => a.id)).toEqual(['rtn', 'acked']);
    expect(page.total).toBe(4);
    expect((await store.list({ state: 'open', limit: 1 })).total).toBe(3);
  });
}
