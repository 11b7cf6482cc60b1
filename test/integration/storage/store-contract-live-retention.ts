// Contract, retention applied live (server.yml reloaded, issue 18): a store that is running
// takes new ages, caps and a new sweep interval through applyRetention(), and its next sweep
// and commit keep to them. Nothing is reopened: the same store object throughout.
import { expect, it } from 'vitest';
import type { RawPacketRecord } from '../../../src/storage/index.js';
import { eventually, KEEP_EVERYTHING } from './history-fixture.js';
import type { ContractContext } from './store-contract.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

function packet(at: number, byte: number, bytes: Uint8Array = Uint8Array.of(byte)): RawPacketRecord {
  return {
    registrationId: 'A',
    direction: 'in',
    kind: 'response',
    bytes,
    at,
    ip: '198.51.100.7',
    port: 40123,
    note: null,
  };
}

export function declareLiveRetentionContract(ctx: ContractContext): void {
  it('uses a raw packet age and row cap applied live at its next sweep and commit, without reopening', async () => {
    const store = await ctx.open({ retention: { sweepIntervalMs: HOUR } });
    const now = Date.now();
    // Two packets three days old, then eight of the last minute (hex 02 … 09).
    [3 * DAY, 3 * DAY, 7, 6, 5, 4, 3, 2, 1, 0].forEach((age, i) => store.writer.rawPacket(packet(now - age, i)));
    await store.writer.flush();
    expect((await store.sweepRetention(now)).rawPackets).toBe(0);

    store.applyRetention({ ...KEEP_EVERYTHING, sweepIntervalMs: HOUR, rawPacketsMs: 2 * DAY, rawPacketsMaxRows: 5 });
    expect(await store.sweepRetention(now)).toMatchObject({ rawPackets: 5, rawPacketsOverCap: 3 });
    expect((await store.reader.rawPackets({ order: 'asc' })).map((p) => p.hex)).toEqual(['05', '06', '07', '08', '09']);

    // The cap also holds at every commit from now on, newest kept.
    for (let i = 0; i < 4; i++) store.writer.rawPacket(packet(now + 1 + i, 0x10 + i));
    await store.writer.flush();
    expect((await store.reader.rawPackets({ order: 'asc' })).map((p) => p.hex)).toEqual(['09', '10', '11', '12', '13']);
  });

  it('holds raw_packets within a rawPacketsMaxBytes applied live from the next commit on', async () => {
    const store = await ctx.open();
    const bytes = new Uint8Array(100);
    for (let i = 0; i < 100; i++) store.writer.rawPacket(packet(Date.now() - 1000 + i, 0, bytes));
    await store.writer.flush();
    expect(await ctx.rowCount('raw_packets')).toBe(100);

    store.applyRetention({ ...KEEP_EVERYTHING, rawPacketsMaxBytes: 5_000 });
    store.writer.rawPacket(packet(Date.now(), 0, bytes));
    await store.writer.flush();
    // Trimmed to 90 % of the budget, oldest first.
    const rows = await store.reader.rawPackets({ limit: 1000 });
    expect(rows.length).toBeLessThanOrEqual(50);
    expect(rows.length).toBeGreaterThanOrEqual(45);
  });

  it('re-arms the sweep timer on a sweepInterval applied live', async () => {
    // An hourly sweep: nothing would run by itself during this test.
    const store = await ctx.open({ retention: { sweepIntervalMs: HOUR } });
    const now = Date.now();
    store.writer.rawPacket(packet(now - 2 * DAY, 1));
    store.writer.rawPacket(packet(now, 2));
    await store.writer.flush();

    store.applyRetention({ ...KEEP_EVERYTHING, rawPacketsMs: DAY, sweepIntervalMs: 50 });
    await eventually(async () => (await ctx.rowCount('raw_packets')) === 1);
    expect((await store.reader.rawPackets({})).map((p) => p.hex)).toEqual(['02']);
  });
}
