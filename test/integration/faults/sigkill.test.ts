// dtuhub killed with SIGKILL while it is flushing batches into the spill journal (MySQL is
// unreachable): after a restart, every row it had acknowledged (committed to MySQL, or
// synced to the journal) is in the database, nothing twice, and a torn last journal record
// (the append a power cut interrupts) is detected and skipped. The rollups then count every
// stored sample exactly once: what the killed writer held in memory is folded back in from
// the raw rows, and the replayed batches are counted as they are applied.
import { cpSync, mkdtempSync, readdirSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { silentLogger } from '../../../src/log.js';
import { SimulatedDtu } from '../../../src/simulator/index.js';
import { SpillJournal } from '../../../src/storage/spill/spill-journal.js';
import { removeDir, waitFor, writeConfigDir } from '../../helpers/app-harness.js';
import { FAST_PROFILE, fastProfile, fastRegisters } from '../../helpers/fast-profile.js';
import { createTempDatabase, mysqlStorage, type TempDatabase } from '../../helpers/mysql.js';
import { expectRollupsMatchRaw } from '../../helpers/rollup-check.js';
import { spawnServe, type ServeProcess } from '../../helpers/serve-process.js';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy.js';

const DTUS = 6;

type Serve = ServeProcess;

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function serve(configDir: string): Serve {
  const served = spawnServe(configDir, 'inherit');
  cleanups.push(() => {
    if (served.proc.exitCode === null && served.proc.signalCode === null) served.proc.kill('SIGKILL');
  });
  return served;
}

/** device|point|ms for every sample row in MariaDB. */
async function storedKeys(db: TempDatabase): Promise<string[]> {
  const rows = await db.rows<{ k: string }>(
    `SELECT CONCAT(d.registration_id, '|', p.name, '|', dd.received_at) AS k FROM device_data dd
     JOIN devices d ON d.id = dd.device_id JOIN point_names p ON p.id = dd.point_id`,
  );
  return rows.map((r) => r.k);
}

/** device|point|ms for every sample in the journal, read from a copy (opening repairs the tail). */
async function journalKeys(spillDir: string): Promise<{ keys: string[]; tornBytes: number }> {
  const copy = mkdtempSync(join(tmpdir(), 'dtuhub-journal-copy-'));
  cleanups.push(() => removeDir(copy));
  cpSync(spillDir, copy, { recursive: true });
  const { journal, report } = await SpillJournal.open(
    copy,
    { segmentBytes: 64 << 20, maxBytes: 2 ** 40 },
    silentLogger(),
  );
  const keys: string[] = [];
  for (let record = await journal.next(); record; record = await journal.next()) {
    const { strings, samples: s } = record.batch;
    for (let i = 0; i < s.count; i++) keys.push(`${strings[s.device[i]!]}|${strings[s.point[i]!]}|${s.ts[i]}`);
    await journal.consumed(record);
  }
  await journal.close();
  return { keys, tornBytes: report.tornBytes };
}

describe('SIGKILL during a flush', () => {
  it('loses nothing acknowledged and stores nothing twice after a restart', { timeout: 120_000 }, async () => {
    const db = await createTempDatabase();
    cleanups.push(() => db.drop());
    const proxy: TcpProxy = await startTcpProxy({ host: '127.0.0.1', port: 3306 });
    cleanups.push(() => proxy.close());
    const spillDir = mkdtempSync(join(tmpdir(), 'dtuhub-sigkill-spill-'));
    cleanups.push(() => removeDir(spillDir));
    const { dir } = writeConfigDir({
      server: (s) => {
        s.logging.level = 'info';
        s.storage = mysqlStorage(db.name, spillDir, proxy.port, '1s');
        // Small batches every 50 ms: the journal is being appended to almost all the time.
        s.writeBuffer = { maxRows: 200, flushInterval: '50ms' };
      },
      points: fastProfile,
    });
    cleanups.push(() => removeDir(dir));

    // 1. Running normally, committing to MariaDB.
    const first = serve(dir);
    await waitFor(() => first.ports['dtu'], 20_000, 'the dtu listener');
    const config = loadConfig(dir);
    const sims = Array.from({ length: DTUS }, (_, n) => {
      const sim = new SimulatedDtu({
        id: `KILL-${n}`,
        target: { host: '127.0.0.1', port: first.ports['dtu']! },
        link: config.points.links.get('transparent')!,
        profile: config.points.profiles.get(FAST_PROFILE)!,
        heartbeatIntervalMs: 0,
        reconnect: false,
      });
      sim.setRegisters(1, 3, 0, fastRegisters(n));
      return sim;
    });
    cleanups.push(() => Promise.all(sims.map((s) => s.stop())).then(() => undefined));
    await Promise.all(sims.map((s) => s.start()));
    await waitFor(async () => (await storedKeys(db)).length > 300, 15_000, 'rows committed before the outage');

    // 2. MariaDB goes away; dtuhub spills every 50 ms. Kill it in the middle of that.
    proxy.refuse();
    await waitFor(
      () => first.log.some((l) => String(l['msg']).includes('spilling batches')),
      15_000,
      'spilling to start',
    );
    await waitFor(
      () => {
        const files = readdirSync(spillDir);
        return files.length > 0 && files.reduce((n, f) => n + statSync(join(spillDir, f)).size, 0) > 50_000;
      },
      20_000,
      'the journal to grow',
    );
    first.proc.kill('SIGKILL');
    await first.exited;
    await Promise.all(sims.map((s) => s.stop()));

    // A power cut would also tear the append in progress: cut the last record short.
    const segments = readdirSync(spillDir).sort();
    const last = join(spillDir, segments.at(-1)!);
    truncateSync(last, statSync(last).size - 7);

    // What dtuhub had acknowledged: rows committed to MariaDB, and whole records in the journal.
    const committedBefore = await storedKeys(db);
    const journaled = await journalKeys(spillDir);
    expect(journaled.tornBytes).toBeGreaterThan(0);
    expect(journaled.keys.length).toBeGreaterThan(0);
    const acknowledged = new Set([...committedBefore, ...journaled.keys]);

    // 3. MariaDB is back; a restarted dtuhub repairs the journal's tail and replays it.
    proxy.restore();
    const second = serve(dir);
    await waitFor(
      () => second.log.some((l) => l['msg'] === 'history store is back; spill journal replayed'),
      30_000,
      'the replay',
    );
    second.proc.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    expect(second.log.some((l) => String(l['msg']).includes('torn record'))).toBe(true);
    expect(readdirSync(spillDir)).toEqual([]);
    const stored = await storedKeys(db);
    expect(new Set(stored).size).toBe(stored.length);
    const missing = [...acknowledged].filter((k) => !stored.includes(k));
    expect(missing).toEqual([]);
    const [connects] = await db.rows<{ n: number; devices: number }>(
      `SELECT COUNT(*) AS n, COUNT(DISTINCT registration_id) AS devices FROM connection_history WHERE event = 'connect'`,
    );
    expect(connects).toEqual({ n: DTUS, devices: DTUS });
    expect(await expectRollupsMatchRaw((sql) => db.rows(sql))).toBeGreaterThan(0);
  });
});
