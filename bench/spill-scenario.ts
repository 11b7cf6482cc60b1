// Spill replay with load running (issue 17, item 8): MariaDB goes away behind a TCP switch
// this bench owns while rows keep coming at a steady rate, so the spill journal grows; then it
// comes back and the journal is replayed while the same load goes on. Measured: the replay's
// rate, how long the backlog takes to drain, and the journal's bytes on disk as it drains.
//
// Runs in this process: the load, the store and the replay share one event loop, as in the
// gateway. Each run is done twice: as shipped, and with one journal record per transaction
// (what the replay did before), for comparison on the same machine and load.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RowDataPacket } from 'mysql2/promise';
import { createConnection } from 'mysql2/promise';
import type { Sample } from '../src/domain/point.js';
import { silentLogger } from '../src/log.js';
import { MysqlHistory } from '../src/storage/index.js';
import { KEEP_EVERYTHING } from './history-fill.js';
import { createBenchDatabase } from './mysql-bench-db.js';
import { startSwitch } from './tcp-switch.js';

export interface SpillBenchSpec {
  /** Rows per second offered the whole time (before, during and after the outage). */
  readonly loadRowsPerSecond: number;
  readonly outageSeconds: number;
  /** The replay phase ends here even if the backlog has not drained. */
  readonly replayLimitSeconds: number;
}

export interface DiskSample {
  /** Seconds since the database came back. */
  readonly atSeconds: number;
  readonly rowsOnDisk: number;
  /** Bytes of the journal's files on disk (what `du` would say). */
  readonly fileBytes: number;
}

export interface SpillRunResult {
  readonly label: string;
  /** Most rows per replay transaction (1 record: the replay before issue 17). */
  readonly groupRows: number | 'one record';
  readonly backlogRows: number;
  readonly backlogBytes: number;
  /** Null when the backlog had not drained within replayLimitSeconds. */
  readonly drainSeconds: number | null;
  /** Rows replayed from the journal per second of replay. */
  readonly replayRowsPerSecond: number;
  /**
   * The same from the end of the first replay commit on. The first commit after an outage
   * also rebuilds the rollups' pending deltas from the rows since rollup_state.pending_since
   * (every transaction that failed during the outage rolled them back), which takes seconds.
   */
  readonly replayRowsPerSecondAfterFirst: number;
  readonly firstCommitMs: number;
  readonly replayCommits: number;
  /** Rows offered per second during the replay (the load that kept coming). */
  readonly loadRowsPerSecond: number;
  readonly disk: readonly DiskSample[];
  readonly rowsDropped: number;
  /** Rows in device_data at the end against rows accepted: equal when nothing is lost or doubled. */
  readonly rowsStored: number;
  readonly rowsAccepted: number;
}

export interface SpillBenchResult {
  readonly spec: SpillBenchSpec;
  readonly runs: readonly SpillRunResult[];
}

export const SPILL_FULL: SpillBenchSpec = { loadRowsPerSecond: 5000, outageSeconds: 60, replayLimitSeconds: 90 };
export const SPILL_QUICK: SpillBenchSpec = { loadRowsPerSecond: 5000, outageSeconds: 15, replayLimitSeconds: 30 };

const DEVICES = 100;
const POINTS = 50;
const TICK_MS = 20;
const EPOCH = Date.UTC(2026, 0, 1);

export async function runSpillScenario(spec: SpillBenchSpec, log: (line: string) => void): Promise<SpillBenchResult> {
  const runs: SpillRunResult[] = [];
  for (const [label, maxRows] of [
    ['grouped (as shipped)', undefined],
    ['one record per transaction (before)', 1],
  ] as const) {
    log(`  spill replay, ${label}: ${spec.outageSeconds} s outage under ${spec.loadRowsPerSecond} rows/s`);
    const run = await oneRun(spec, label, maxRows);
    log(
      `  → backlog ${run.backlogRows} rows, replay ${run.replayRowsPerSecond} rows/s (${run.replayRowsPerSecondAfterFirst} after the first commit, which took ${Math.round(run.firstCommitMs)} ms) in ${run.replayCommits} commits, drained ${run.drainSeconds === null ? 'no' : `in ${run.drainSeconds.toFixed(1)} s`}`,
    );
    runs.push(run);
  }
  return { spec, runs };
}

async function oneRun(spec: SpillBenchSpec, label: string, replayMaxRows: number | undefined): Promise<SpillRunResult> {
  const db = await createBenchDatabase();
  const tcp = await startSwitch(db.storage.port);
  let replayedRows = 0;
  let replayCommits = 0;
  let firstCommit: { rows: number; ms: number; at: number } | undefined;
  const store = new MysqlHistory(
    {
      storage: { ...db.storage, port: tcp.port, spill: { ...db.storage.spill, maxSizeBytes: 2 ** 30 } },
      writeBuffer: { maxRows: 1000, flushIntervalMs: 200, idleFlushDelayMs: 20, maxPendingRows: 100_000 },
      retention: KEEP_EVERYTHING,
    },
    silentLogger(),
    {
      replayRetryMs: { min: 200, max: 1000 },
      onReplay: (info) => {
        replayedRows += info.rows;
        firstCommit ??= { rows: info.rows, ms: info.ms, at: performance.now() };
        replayCommits += 1;
      },
      ...(replayMaxRows ? { replayMaxRows } : {}),
    },
  );
  await store.start();
  const load = new Load(store, spec.loadRowsPerSecond);
  try {
    load.start();
    await sleep(3000);
    tcp.refuse();
    await sleep(spec.outageSeconds * 1000);
    const backlog = store.health();
    const offeredBefore = load.rows;
    tcp.forward();
    const back = performance.now();
    const disk: DiskSample[] = [];
    let drainSeconds: number | null = null;
    let nextSample = 0;
    while ((performance.now() - back) / 1000 < spec.replayLimitSeconds) {
      const now = (performance.now() - back) / 1000;
      const h = store.health();
      if (now >= nextSample) {
        disk.push({ atSeconds: now, rowsOnDisk: h.rowsOnDisk, fileBytes: journalFileBytes(db.storage.spill.dir) });
        nextSample += 0.5;
      }
      if (h.state !== 'spilling') {
        drainSeconds = now;
        break;
      }
      await sleep(50);
    }
    const replaySeconds = (performance.now() - back) / 1000;
    const loadDuringReplay = (load.rows - offeredBefore) / replaySeconds;
    load.stop();
    await store.drained();
    const stats = store.writer.stats();
    const rowsStored = await countRows(db.storage.database);
    return {
      label,
      groupRows: replayMaxRows === 1 ? 'one record' : 50_000,
      backlogRows: backlog.rowsOnDisk,
      backlogBytes: backlog.bytesOnDisk,
      drainSeconds,
      replayRowsPerSecond: Math.round(replayedRows / (drainSeconds ?? replaySeconds)),
      replayRowsPerSecondAfterFirst: firstCommit
        ? Math.round(
            (replayedRows - firstCommit.rows) / ((drainSeconds ?? replaySeconds) - (firstCommit.at - back) / 1000),
          )
        : 0,
      firstCommitMs: firstCommit?.ms ?? 0,
      replayCommits,
      loadRowsPerSecond: Math.round(loadDuringReplay),
      disk,
      rowsDropped: stats.rowsDropped,
      rowsStored,
      rowsAccepted: stats.rowsAccepted,
    };
  } finally {
    load.stop();
    await store.stop();
    await tcp.close();
    await db.drop();
  }
}

/** Samples at a steady rate, every one a distinct row (its own device, point and time). */
class Load {
  rows = 0;
  private timer: NodeJS.Timeout | null = null;
  private round = 0;
  private readonly ids = Array.from({ length: DEVICES }, (_, i) => `SPILL-${String(i).padStart(4, '0')}`);
  private readonly points = Array.from({ length: POINTS }, (_, i) => `p${i}`);

  constructor(
    private readonly store: MysqlHistory,
    private readonly rowsPerSecond: number,
  ) {}

  start(): void {
    const started = performance.now();
    this.timer = setInterval(() => {
      const due = Math.floor(((performance.now() - started) / 1000) * this.rowsPerSecond);
      while (this.rows + POINTS <= due) this.emit();
    }, TICK_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private emit(): void {
    const device = this.ids[this.round % DEVICES]!;
    const ts = EPOCH + Math.floor(this.round / DEVICES) * 1000;
    const batch: Sample[] = this.points.map((point, p) => ({
      deviceId: device,
      point,
      slave: 1,
      address: 2000 + 2 * p,
      value: (this.round + p) / 10,
      text: null,
      raw: ((this.round + p) & 0xffff).toString(16).padStart(4, '0'),
      ts,
      quality: 'good',
    }));
    this.store.writer.samples(batch);
    this.round += 1;
    this.rows += POINTS;
  }
}

function journalFileBytes(dir: string): number {
  let bytes = 0;
  for (const name of readdirSync(dir)) if (name.endsWith('.jrnl')) bytes += statSync(join(dir, name)).size;
  return bytes;
}

async function countRows(database: string): Promise<number> {
  const c = await createConnection({ host: '127.0.0.1', port: 3306, user: 'root', password: '', database });
  try {
    const [rows] = await c.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM device_data');
    return Number(rows[0]!['n']);
  } finally {
    await c.end();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
