// The DeliveryStore contract, run against SQLite and the real MariaDB: saves once per
// (event, endpoint, rule), updates in place, lists and filters the log, finds the pending.
import { expect, it } from 'vitest';
import type { DeliveryRecord, DeliveryStore } from '../../../src/storage/index.js';

const T0 = Date.UTC(2025, 0, 15, 8, 30, 0, 123);

export function delivery(id: string, overrides: Partial<DeliveryRecord> = {}): DeliveryRecord {
  return {
    id,
    eventId: `ev-${id}`,
    eventType: 'device.online',
    registrationId: 'DTU-1',
    endpoint: 'ops',
    rule: 'up-down',
    body: JSON.stringify({ id: `ev-${id}`, 说明: '上线' }),
    status: 'pending',
    attempts: 0,
    nextAttemptAt: T0,
    lastStatus: null,
    lastError: null,
    lastLatencyMs: null,
    createdAt: T0,
    updatedAt: T0,
    deliveredAt: null,
    ...overrides,
  };
}

export function declareDeliveryStoreContract(open: () => Promise<DeliveryStore>): void {
  it('saves a delivery once per event, endpoint and rule, and reads it back exactly', async () => {
    const store = await open();
    await store.save([delivery('a')]);
    await store.save([
      delivery('a2', { eventId: 'ev-a', body: 'other' }),
      delivery('a3', { eventId: 'ev-a', endpoint: 'other' }),
    ]);
    expect(await store.get('a')).toEqual(delivery('a'));
    expect(await store.get('a2')).toBeNull();
    expect(await store.get('a3')).toEqual(delivery('a3', { eventId: 'ev-a', endpoint: 'other' }));
    expect(await store.get('nope')).toBeNull();
  });

  it('updates attempts and results in place, and lists pending ones oldest first', async () => {
    const store = await open();
    await store.save(Array.from({ length: 4 }, (_, i) => delivery(`d${i}`, { createdAt: T0 + i })));
    const delivered = {
      ...delivery('d1', { createdAt: T0 + 1 }),
      status: 'delivered' as const,
      attempts: 4,
      lastStatus: 200,
      lastLatencyMs: 12,
      deliveredAt: T0 + 50,
      updatedAt: T0 + 50,
    };
    const dead = {
      ...delivery('d2', { createdAt: T0 + 2 }),
      status: 'dead' as const,
      attempts: 8,
      lastStatus: 503,
      lastError: 'HTTP 503',
      updatedAt: T0 + 60,
    };
    await store.save([delivered, dead]);
    expect(await store.get('d1')).toEqual(delivered);
    expect((await store.pending()).map((d) => d.id)).toEqual(['d0', 'd3']);
    expect((await store.list()).map((d) => d.id)).toEqual(['d3', 'd2', 'd1', 'd0']);
    expect((await store.list({ status: 'dead' })).map((d) => d.id)).toEqual(['d2']);
    expect((await store.list({ order: 'asc', limit: 2 })).map((d) => d.id)).toEqual(['d0', 'd1']);
    expect((await store.list({ from: T0 + 1, to: T0 + 3, order: 'asc' })).map((d) => d.id)).toEqual(['d1', 'd2']);
    expect((await store.list({ eventId: 'ev-d3' })).map((d) => d.id)).toEqual(['d3']);
    expect(await store.list({ endpoint: 'elsewhere' })).toEqual([]);
  });
}
