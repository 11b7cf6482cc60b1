// Issue 17, items 3 and 4: a registered DTU that floods its port with random bytes. The
// flood must cost raw_packets a capped sample (not twice its size in hex), and what the
// gateway hands to the writer must stay within the same budget, whatever the flood's size.
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayEvents } from '../../../src/domain/events.js';
import { disposeApp, startApp, waitFor, type Harness, type HarnessOptions } from '../../helpers/app-harness.js';

const FLOOD_BYTES = 2 * 1024 * 1024;
/** Parsing a flood takes seconds on a loaded machine; the assertions are on bytes, not time. */
const TEST_TIMEOUT_MS = 90_000;
const CHUNK = 64 * 1024;
/** The defaults of retention.rawPacketMaxBytes and rawPacketBytesPerMinute. */
const PACKET_CAP = 256;
const BUDGET = 64 * 1024;

let h: Harness | null = null;
let socket: Socket | null = null;
afterEach(async () => {
  socket?.destroy();
  socket = null;
  h = await disposeApp(h);
});

async function floodAfterRegistration(
  id: string,
  options: HarnessOptions = {},
  watch: (harness: Harness) => void = () => undefined,
): Promise<Harness> {
  h = await startApp(options);
  watch(h);
  const app = h.app;
  const s = connect({ host: '127.0.0.1', port: h.port('dtu') });
  socket = s;
  s.on('error', () => undefined);
  await new Promise<void>((resolve) => s.once('connect', resolve));
  s.write(id);
  await waitFor(() => app.gateway.registry.get(id)?.state === 'active', 5000, 'registration');
  const before = app.gateway.counters.bytesIn;
  for (let sent = 0; sent < FLOOD_BYTES; sent += CHUNK) {
    if (!s.write(randomBytes(CHUNK))) await new Promise((resolve) => s.once('drain', resolve));
  }
  await waitFor(() => app.gateway.counters.bytesIn - before >= FLOOD_BYTES, 60_000, 'the flood to arrive');
  await app.writer.flush();
  return h;
}

function rawPacketRows(harness: Harness): { hex: string; note: string | null }[] {
  const storage = harness.config.server.storage;
  if (storage.driver !== 'sqlite') throw new Error('SQLite only');
  const db = new Database(storage.path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(`SELECT hex, note FROM raw_packets WHERE kind IN ('garbage', 'stray')`).all() as {
      hex: string;
      note: string | null;
    }[];
  } finally {
    db.close();
  }
}

describe('a garbage flood on a DTU port', () => {
  it(
    'stores capped samples with their length, within the per-connection budget',
    async () => {
      const harness = await floodAfterRegistration('FLOOD01');
      const rows = rawPacketRows(harness);
      const storedBytes = rows.reduce((sum, r) => sum + r.hex.length / 2, 0);
      expect(rows.length).toBeGreaterThan(0);
      expect(storedBytes).toBeLessThanOrEqual(BUDGET);
      expect(Math.max(...rows.map((r) => r.hex.length / 2))).toBeLessThanOrEqual(PACKET_CAP);
      // A truncated row says how long the packet was.
      const truncated = rows.find((r) => r.note?.includes(`first ${PACKET_CAP} kept`));
      expect(truncated?.note).toMatch(/^garbage; \d+ bytes, first 256 kept$/);
      expect(Number(/; (\d+) bytes/.exec(truncated!.note!)![1])).toBeGreaterThan(PACKET_CAP);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'follows rawPacketMaxBytes and rawPacketBytesPerMinute',
    async () => {
      const harness = await floodAfterRegistration('FLOOD02', {
        server: (s) => {
          s.retention.rawPacketMaxBytes = 32;
          s.retention.rawPacketBytesPerMinute = '1KiB';
        },
      });
      const rows = rawPacketRows(harness);
      expect(rows.reduce((sum, r) => sum + r.hex.length / 2, 0)).toBe(1024);
      expect(Math.max(...rows.map((r) => r.hex.length / 2))).toBe(32);
      expect(harness.app.gateway.counters.packetsNotRecorded).toBeGreaterThan(0);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'hands the writer no more packet bytes than the budget, in buffers of their own size',
    async () => {
      const packets: GatewayEvents['packet'][] = [];
      await floodAfterRegistration('FLOOD03', {}, (harness) => harness.app.bus.on('packet', (e) => packets.push(e)));
      const garbage = packets.filter((p) => p.kind === 'garbage' || p.kind === 'stray');
      expect(garbage.length).toBeGreaterThan(0);
      expect(garbage.reduce((sum, p) => sum + p.bytes.length, 0)).toBeLessThanOrEqual(BUDGET);
      // A record's buffer is its own copy (or a slice of Node's 8 KiB pool), never a socket chunk.
      expect(Math.max(...garbage.map((p) => p.bytes.buffer.byteLength))).toBeLessThanOrEqual(8192);
    },
    TEST_TIMEOUT_MS,
  );
});
