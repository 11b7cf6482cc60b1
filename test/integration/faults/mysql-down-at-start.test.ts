// dtuhub started while MariaDB is down: it starts anyway, polls, spills to the journal, and
// once the server answers creates the schema and replays everything, in order, once.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../src/storage/index.js';
import { gatewayTests, removeDir, waitFor } from '../../helpers/app-harness.js';
import { FAST_PROFILE, fastProfile, fastRegisters } from '../../helpers/fast-profile.js';
import { createTempDatabase, mysqlStorage, type TempDatabase } from '../../helpers/mysql.js';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy.js';

const { boot, dtu } = gatewayTests();
let db: TempDatabase | null = null;
let proxy: TcpProxy | null = null;
const spillDir = mkdtempSync(join(tmpdir(), 'dtuhub-down-at-start-'));
afterAll(async () => {
  await proxy?.close();
  await db?.drop();
  removeDir(spillDir);
});

describe('MySQL down at start', () => {
  it('starts, spills, then migrates and replays once the server answers', { timeout: 60_000 }, async () => {
    db = await createTempDatabase();
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 3306 });
    proxy.refuse();
    const h = await boot({
      server: (s) => {
        s.storage = mysqlStorage(db!.name, spillDir, proxy!.port, '2s');
        s.writeBuffer = { maxRows: 200, flushInterval: '100ms' };
      },
      points: fastProfile,
    });
    let emitted = 0;
    h.app.bus.on('data', (e) => (emitted += e.samples.length));
    const sim = dtu(h, 'dtu', { id: 'LATE-3' }, FAST_PROFILE);
    sim.setRegisters(1, 3, 0, fastRegisters(3));
    await sim.start();

    const spilling = await waitFor(
      () => {
        const health = h.app.storeHealth();
        return health.state === 'spilling' && health.rowsOnDisk >= 100 ? health : null;
      },
      20_000,
      'rows in the spill journal',
    );
    expect(spilling.lastError).toBeTruthy();
    expect(await db.rows(`SELECT table_name FROM information_schema.tables WHERE table_schema = ?`, [db.name])).toEqual(
      [],
    );
    // The web server is up meanwhile and reports the state.
    const health = await fetch(`${h.webUrl()}/api/health`);
    expect(health.status).toBe(200);

    proxy.restore();
    await waitFor(() => h.app.storeHealth().state === 'ok', 30_000, 'the replay');
    await sim.stop();
    await new Promise((r) => setTimeout(r, 200));
    await h.app.storeDrained();

    const versions = await db.rows<{ version: number }>('SELECT version FROM schema_version ORDER BY version');
    expect(versions.map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
    const [count] = await db.rows<{ total: number; distinctKeys: number }>(
      'SELECT COUNT(*) AS total, COUNT(DISTINCT device_id, received_at, point_id) AS distinctKeys FROM device_data',
    );
    expect(count).toEqual({ total: emitted, distinctKeys: emitted });
    expect(h.app.writer.stats().rowsDropped).toBe(0);
  });
});
