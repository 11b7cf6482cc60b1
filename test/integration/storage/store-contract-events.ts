// Contract, part three: events of the event framework go through the batched writer like
// every other row, are stored once per id, and are read back with their JSON payload,
// filtered by device, type, rule and time.
import { expect, it } from 'vitest';
import { deliveryStoreFor } from '../../../src/storage/index.js';
import type { EventRecord } from '../../../src/storage/index.js';
import { delivery } from './delivery-store-contract.js';
import { T0 } from './history-fixture.js';
import type { ContractContext } from './store-contract.js';

const DAY = 86_400_000;

function event(id: string, at: number, overrides: Partial<EventRecord> = {}): EventRecord {
  return {
    id,
    type: 'device.online',
    registrationId: '7001',
    rule: null,
    at,
    payload: { profile: 'th-station' },
    ...overrides,
  };
}

export function declareEventContract(ctx: ContractContext): void {
  it('stores events with their JSON payload and filters them by device, type, rule and time', async () => {
    const store = await ctx.open();
    const events = [
      event('e1', T0),
      event('e2', T0 + 1, { type: 'device.offline', payload: { reason: 'heartbeat_timeout', 说明: '心跳超时' } }),
      event('e3', T0 + 2, { registrationId: '7002' }),
      event('e4', T0 + 3, {
        type: 'rule.fired',
        rule: 'high-temp',
        payload: { point: 'temperature', value: 31.5, limit: [30] },
      }),
      event('e5', T0 + 3, { type: 'store.spilling', registrationId: null, payload: { rowsOnDisk: 12 } }),
    ];
    for (const e of events) store.writer.event(e);
    expect(await store.reader.events()).toEqual([]);
    await store.writer.flush();

    expect(await store.reader.events()).toEqual([events[4], events[3], events[2], events[1], events[0]]);
    expect(await store.reader.events({ order: 'asc', limit: 2 })).toEqual([events[0], events[1]]);
    expect(await store.reader.events({ registrationId: '7001', order: 'asc' })).toEqual([
      events[0],
      events[1],
      events[3],
    ]);
    expect(await store.reader.events({ type: 'device.online', order: 'asc' })).toEqual([events[0], events[2]]);
    expect(await store.reader.events({ rule: 'high-temp' })).toEqual([events[3]]);
    expect(await store.reader.events({ from: T0 + 1, to: T0 + 3, order: 'asc' })).toEqual([events[1], events[2]]);
  });

  it('sweeps events older than the connection history limit, and finished webhook deliveries with them', async () => {
    const store = await ctx.open({ retention: { connectionHistoryMs: 10 * DAY } });
    const now = T0 + 30 * DAY;
    store.writer.event(event('old', now - 11 * DAY));
    store.writer.event(event('new', now - 9 * DAY));
    await store.writer.flush();
    const deliveries = deliveryStoreFor(ctx.storage());
    await deliveries.start();
    try {
      await deliveries.save([
        delivery('d-old', { status: 'delivered', createdAt: now - 11 * DAY }),
        delivery('dead-old', { status: 'dead', createdAt: now - 11 * DAY }),
        delivery('pending-old', { createdAt: now - 11 * DAY }),
        delivery('d-new', { status: 'delivered', createdAt: now - 9 * DAY }),
      ]);
    } finally {
      await deliveries.close();
    }
    await store.sweepRetention(now);
    expect((await store.reader.events()).map((e) => e.id)).toEqual(['new']);
    expect(await ctx.rawQuery('SELECT id FROM webhook_deliveries ORDER BY id')).toEqual([
      { id: 'd-new' },
      { id: 'pending-old' },
    ]);
  });

  it('stores an event once when it is written again with the same id', async () => {
    const store = await ctx.open();
    store.writer.event(event('same', T0));
    await store.writer.flush();
    store.writer.event(event('same', T0, { payload: { second: true } }));
    store.writer.event(event('other', T0 + 1));
    await store.writer.flush();
    expect(await ctx.rowCount('events')).toBe(2);
    expect((await store.reader.events({ order: 'asc' })).map((e) => [e.id, e.payload])).toEqual([
      ['same', { profile: 'th-station' }],
      ['other', { profile: 'th-station' }],
    ]);
  });
}
