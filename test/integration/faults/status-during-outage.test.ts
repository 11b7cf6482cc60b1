// GET /api/status during a MySQL outage: it must answer from memory (store health from the
// sink, device counts last known with their age) instead of waiting on the database, so
// `spilling`, `rowsOnDisk` and `rowsDropped` can be seen while they matter. The outage is a
// TCP proxy this test owns going silent, then refusing; requests go over a real socket.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { gatewayTests, removeDir, waitFor, type Harness } from '../../helpers/app-harness.js';
import { FAST_PROFILE, fastProfile, fastRegisters } from '../../helpers/fast-profile.js';
import { createTempDatabase, mysqlStorage, type TempDatabase } from '../../helpers/mysql.js';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy.js';
import { caller, type Caller } from '../../helpers/web.js';

const { boot, dtu } = gatewayTests();
let db: TempDatabase | null = null;
let proxy: TcpProxy | null = null;
const spillDir = mkdtempSync(join(tmpdir(), 'dtuhub-status-outage-'));
// Registered after gatewayTests(), so it runs first: a failed test must not leave the app's stop waiting on a blackhole.
afterEach(() => proxy?.restore());
afterAll(async () => {
  await proxy?.close();
  await db?.drop();
  removeDir(spillDir);
});

/**
 * Far above the status route's own bound on the database (docs/API.md), far below the
 * 10 s a history query may take before it is given up: a status that waits on the
 * database misses it.
 */
const ANSWER_WITHIN_MS = 5_000;

interface StatusBody {
  devices: { known: number; online: number; countedAt: number | null; countAgeMs: number | null };
  store: { state: string; rowsOnDisk: number; lastError: string | null; writer: { rowsDropped: number } };
}

async function status(h: Harness, who: Caller): Promise<{ code: number; body: StatusBody }> {
  const res = await fetch(`${h.webUrl()}/api/status`, {
    headers: { cookie: who.cookie },
    signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
  });
  return { code: res.status, body: (await res.json()) as StatusBody };
}

describe('GET /api/status during a MySQL outage', () => {
  it(
    'answers from memory while the network is silent and while connections are refused',
    { timeout: 90_000 },
    async () => {
      db = await createTempDatabase();
      proxy = await startTcpProxy({ host: '127.0.0.1', port: 3306 });
      const h = await boot({
        server: (s) => {
          s.storage = mysqlStorage(db!.name, spillDir, proxy!.port, '1s');
          s.writeBuffer = { maxRows: 200, flushInterval: '100ms' };
        },
        points: fastProfile,
      });
      const viewer = await caller(h, 'viewer');
      const sims = ['ST-1', 'ST-2'].map((id, i) => {
        const sim = dtu(h, 'dtu', { id }, FAST_PROFILE);
        sim.setRegisters(1, 3, 0, fastRegisters(i + 1));
        return sim;
      });
      await Promise.all(sims.map((s) => s.start()));
      await waitFor(
        async () => (await db!.rows<{ n: number }>('SELECT COUNT(*) AS n FROM devices'))[0]!.n === 2,
        10_000,
        'both devices stored',
      );
      const before = await status(h, viewer);
      expect(before.code).toBe(200);
      expect(before.body.devices.known).toBe(2);
      expect(before.body.devices.countedAt).toBeGreaterThan(0);
      expect(before.body.store.state).toBe('ok');

      // Silent network: a query on an open connection never comes back.
      proxy.blackhole();
      const silent = await waitFor(
        async () => {
          const s = await status(h, viewer);
          expect(s.code).toBe(200);
          return s.body.store.state === 'spilling' && s.body.store.rowsOnDisk > 0 ? s : null;
        },
        30_000,
        'status to show the spill',
      );
      expect(silent.body.devices.known).toBe(2);
      expect(silent.body.devices.countedAt).toBeLessThanOrEqual(Date.now());
      expect(silent.body.devices.countAgeMs).toBeGreaterThanOrEqual(0);
      expect(silent.body.store.writer.rowsDropped).toBe(0);

      // Server down: connections reset and refused.
      proxy.refuse();
      const refused = await status(h, viewer);
      expect(refused.code).toBe(200);
      expect(refused.body.store.state).toBe('spilling');
      expect(refused.body.devices).toMatchObject({ known: 2, online: 2 });
      expect(refused.body.devices.countedAt).toBe(silent.body.devices.countedAt);
      await waitFor(
        async () => (await status(h, viewer)).body.store.lastError !== null,
        20_000,
        'the refusal to reach the store state',
      );

      // Back: the counts are fresh again.
      proxy.restore();
      const back = await waitFor(
        async () => {
          const s = await status(h, viewer);
          return s.body.devices.countedAt! > refused.body.devices.countedAt! ? s : null;
        },
        60_000,
        'fresh counts after the outage',
      );
      expect(back.body.devices.known).toBe(2);
      await Promise.all(sims.map((s) => s.stop()));
    },
  );
});
