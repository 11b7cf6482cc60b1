// Zero loss when MySQL goes away: simulated DTUs keep being polled through a 60-second
// outage (30 s of a silent network, then 30 s of refused connections); every decoded point
// must end up in MariaDB exactly once, and memory must stay under the configured cap.
//
// The count is taken once every session has closed, not after a fixed pause: a response
// already on the wire when the fleet stops is decoded whenever the event loop next reads
// it, which on a loaded machine can be after storeDrained() has begun, so it would be
// counted without being in the batches the drain waited for.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Sample } from '../../../src/domain/point.js';
import type { SimulatedDtu } from '../../../src/simulator/index.js';
import type { StoreState } from '../../../src/storage/index.js';
import { valueFromColumns } from '../../../src/storage/raw-value.js';
import { gatewayTests, removeDir, waitFor, type HarnessOptions } from '../../helpers/app-harness.js';
import { FAST_PROFILE, fastProfile, fastRegisters } from '../../helpers/fast-profile.js';
import { createTempDatabase, mysqlStorage, type TempDatabase } from '../../helpers/mysql.js';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy.js';

const { boot, dtu } = gatewayTests();
const DTUS = 8;
const MAX_PENDING_ROWS = 2000;
const OUTAGE_HALF_MS = 30_000;
/**
 * A real DTU's answer takes milliseconds at least (10 registers over RS-485 at 9600 baud:
 * ~25 ms). A simulator answering at once on loopback can answer two polls of a block in one
 * millisecond when the event loop stalls past a poll period: the poll queued behind the
 * late answer goes out as it is read and comes back within the same millisecond. Both
 * responses then share the row key (device, receive time, point) and the store keeps one.
 */
const ANSWER_MS = 5;
/**
 * A bound, not a goal: the journal is replayed (many records per transaction) while polling
 * goes on, which takes seconds here but several times that when MariaDB shares a busy
 * machine.
 */
const REPLAY_WAIT_MS = 150_000;

let db: TempDatabase | null = null;
let proxy: TcpProxy | null = null;
let watch: NodeJS.Timeout | undefined;
// Registered after gatewayTests(), so it runs before the app is stopped (after-hooks run in reverse).
afterEach(() => clearInterval(watch));
const spillDir = mkdtempSync(join(tmpdir(), 'dtuhub-outage-spill-'));
afterAll(async () => {
  await proxy?.close();
  await db?.drop();
  removeDir(spillDir);
});

function outageConfig(port: number, database: string): HarnessOptions {
  return {
    server: (s) => {
      s.storage = mysqlStorage(database, spillDir, port, '2s');
      s.writeBuffer = { maxRows: 500, flushInterval: '200ms', maxPendingRows: MAX_PENDING_ROWS };
    },
    points: fastProfile,
  };
}

describe('MySQL outage', () => {
  it(
    'stores every point exactly once after 60 s without the database, within the memory cap',
    { timeout: 300_000 },
    async () => {
      db = await createTempDatabase();
      proxy = await startTcpProxy({ host: '127.0.0.1', port: 3306 });
      const h = await boot(outageConfig(proxy.port, db.name));

      let emitted = 0;
      const received = new ReceivedPoints();
      h.app.bus.on('data', (e) => {
        emitted += e.samples.length;
        received.add(e.samples);
      });
      let maxBuffered = 0;
      const states = new Set<StoreState>();
      watch = setInterval(() => {
        maxBuffered = Math.max(maxBuffered, h.app.writer.stats().rowsBuffered);
        states.add(h.app.storeHealth().state);
      }, 50);

      const sims: SimulatedDtu[] = [];
      for (let i = 0; i < DTUS; i++) {
        const sim = dtu(h, 'dtu', { id: `OUT-${i}`, responseDelayMs: ANSWER_MS }, FAST_PROFILE);
        sim.setRegisters(1, 3, 0, fastRegisters(i));
        sims.push(sim);
      }
      await Promise.all(sims.map((s) => s.start()));
      await waitFor(
        async () => (await db!.rows<{ n: number }>('SELECT COUNT(*) AS n FROM device_data'))[0]!.n > 200,
        10_000,
        'rows before the outage',
      );

      proxy.blackhole();
      await new Promise((r) => setTimeout(r, OUTAGE_HALF_MS));
      const midOutage = h.app.storeHealth();
      proxy.refuse();
      await new Promise((r) => setTimeout(r, OUTAGE_HALF_MS));
      const endOfOutage = h.app.storeHealth();
      const pointsDuringOutage = emitted;
      proxy.restore();

      // Back: the journal replays while polling goes on; then stop the fleet and drain.
      await waitFor(
        () => h.app.storeHealth().state !== 'spilling',
        REPLAY_WAIT_MS,
        'the spill journal to be replayed',
      ).catch((err: Error) => {
        throw new Error(`${err.message}; store: ${JSON.stringify(h.app.storeHealth())}`);
      });
      await Promise.all(sims.map((s) => s.stop()));
      // A closed session decodes nothing more: from here on `emitted` is final.
      await waitFor(() => h.app.gateway.sessions().length === 0, 10_000, 'every session to close');
      const emittedBeforeDrain = received.snapshot();
      await h.app.storeDrained();
      clearInterval(watch);

      expect(midOutage.state).toBe('spilling');
      expect(midOutage.rowsOnDisk).toBeGreaterThan(0);
      expect(endOfOutage.rowsOnDisk).toBeGreaterThan(midOutage.rowsOnDisk);
      expect(states).toContain('spilling');
      expect(h.app.storeHealth()).toMatchObject({ state: 'ok', rowsOnDisk: 0 });
      expect(readdirSync(spillDir)).toEqual([]);

      // Polling never stopped: points kept coming during the outage (~400/s).
      expect(pointsDuringOutage).toBeGreaterThan(60 * 200);
      const stats = h.app.writer.stats();
      expect(stats.rowsDropped).toBe(0);
      expect(maxBuffered).toBeLessThanOrEqual(MAX_PENDING_ROWS);

      const [count] = await db.rows<{ total: number; distinctKeys: number }>(
        'SELECT COUNT(*) AS total, COUNT(DISTINCT device_id, received_at, point_id) AS distinctKeys FROM device_data',
      );
      expect(count!.distinctKeys).toBe(count!.total);
      // Device by device, every response decoded before the drain began is stored, each point once.
      expect(diffPoints(emittedBeforeDrain, await storedPoints(db))).toEqual({ missing: [], extra: [] });
      expect(count!.total).toBe(emitted);
      // Values are the simulator's registers, device by device.
      // A value left out of its row is read from the raw bytes (raw-value.ts), as the store does.
      const values = await db.rows<{ value: number | null; raw: Buffer; quality: number; expected: number }>(
        `SELECT dd.value, dd.raw_value AS raw, dd.quality,
           CAST(SUBSTRING(d.registration_id, 5) AS UNSIGNED) * 100 + CAST(SUBSTRING(p.name, 2) AS UNSIGNED) AS expected
         FROM device_data dd JOIN devices d ON d.id = dd.device_id JOIN point_names p ON p.id = dd.point_id`,
      );
      const wrong = values.filter((r) => valueFromColumns(r.value, r.raw, r.quality) !== Number(r.expected));
      expect(wrong.slice(0, 5)).toEqual([]);
      // Connection events and heartbeats were not doubled by the replay either.
      const [connects] = await db.rows<{ n: number }>(
        `SELECT COUNT(*) AS n FROM connection_history WHERE event = 'connect'`,
      );
      expect(connects!.n).toBe(DTUS);
    },
  );
});

/** Points decoded per device and receive time (a response's points share its time). */
class ReceivedPoints {
  private readonly counts = new Map<string, number>();

  add(samples: readonly Sample[]): void {
    for (const s of samples) {
      const key = pointKey(s.deviceId, s.ts);
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    }
  }

  snapshot(): Map<string, number> {
    return new Map(this.counts);
  }
}

function pointKey(deviceId: string, receivedAt: number): string {
  return `${deviceId} @ ${receivedAt}`;
}

async function storedPoints(db: TempDatabase): Promise<Map<string, number>> {
  const rows = await db.rows<{ device: string; receivedAt: number; n: number }>(
    `SELECT d.registration_id AS device, dd.received_at AS receivedAt, COUNT(*) AS n
     FROM device_data dd JOIN devices d ON d.id = dd.device_id GROUP BY d.registration_id, dd.received_at`,
  );
  return new Map(rows.map((r) => [pointKey(r.device, Number(r.receivedAt)), Number(r.n)]));
}

/** Device and receive time of every response stored with fewer points than decoded, or more. */
function diffPoints(
  decoded: ReadonlyMap<string, number>,
  stored: ReadonlyMap<string, number>,
): { missing: string[]; extra: string[] } {
  const missing = [...decoded]
    .filter(([key, n]) => (stored.get(key) ?? 0) < n)
    .map(([key, n]) => `${key}: ${stored.get(key) ?? 0} of ${n} points`);
  const extra = [...stored]
    .filter(([key, n]) => n > (decoded.get(key) ?? 0))
    .map(([key, n]) => `${key}: ${n} points, ${decoded.get(key) ?? 0} decoded`);
  return { missing, extra };
}
