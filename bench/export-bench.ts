// Export throughput and memory, end to end through the real app: 1,000,000 rows of one
// device written through the HistoryWriter into SQLite (one process), then the app started
// afresh on that database in another process and GET /api/export/data downloaded as CSV and
// XLSX over loopback HTTP by the bench parent, which reads the body and drops it as it
// arrives (a fast client). RSS is the app process's alone.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DtuhubApp } from '../src/app.js';
import { loadConfig } from '../src/config/load.js';
import type { Sample } from '../src/domain/point.js';
import { silentLogger } from '../src/log.js';
import { SESSION_COOKIE } from '../src/web/auth/authenticator.js';
import { writeBenchConfig } from './bench-config.js';

export interface ExportBenchOptions {
  readonly rows: number;
  readonly points: number;
}

export interface ExportRun {
  readonly format: 'csv' | 'xlsx';
  readonly rows: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly bytes: number;
  /** The app process's RSS right before the download (after a GC) and its peak during it. */
  readonly rssBeforeBytes: number;
  readonly rssPeakBytes: number;
}

export interface ExportBenchResult {
  readonly options: ExportBenchOptions;
  /** Time to write the rows through the HistoryWriter (context only). */
  readonly fillSeconds: number;
  readonly runs: readonly ExportRun[];
}

export interface ExportFillResult {
  readonly dir: string;
  readonly rows: number;
  readonly fillSeconds: number;
}

export interface ServingApp {
  readonly base: string;
  readonly cookie: string;
}

export const EXPORT_DEVICE = 'EXPORT0001';
const EPOCH = Date.UTC(2025, 0, 1);
const FLUSH_EVERY_ROWS = 50_000;
const RSS_SAMPLE_MS = 25;

function benchConfig(dir: string): void {
  writeBenchConfig(dir, {
    dbPath: join(dir, 'export.db'),
    pollEveryMs: 1000,
    connectStaggerMs: 1000,
    heartbeatIntervalMs: 60_000,
    maxConnections: 10,
    writeBuffer: { maxRows: 20_000, flushIntervalMs: 1000 },
    logLevel: 'silent',
  });
}

async function fill(app: DtuhubApp, options: ExportBenchOptions): Promise<void> {
  const writer = app.writer;
  writer.deviceOnline({
    registrationId: EXPORT_DEVICE,
    profile: 'bench',
    name: null,
    ip: '10.0.0.1',
    port: 10_000,
    listener: 'dtu',
    at: EPOCH,
  });
  const names = Array.from({ length: options.points }, (_, p) => `point_${p}`);
  const rounds = Math.ceil(options.rows / options.points);
  let pending = 0;
  for (let r = 0; r < rounds; r++) {
    const ts = EPOCH + r * 1000;
    const batch: Sample[] = names.map((point, p) => ({
      deviceId: EXPORT_DEVICE,
      point,
      slave: 1,
      address: 2000 + p,
      value: (r % 1000) / 10 + p,
      text: null,
      raw: '0102',
      ts,
      quality: 'good',
    }));
    writer.samples(batch);
    pending += batch.length;
    if (pending >= FLUSH_EVERY_ROWS) {
      await writer.flush();
      pending = 0;
    }
  }
  await writer.flush();
}

/** Step 1 (its own process): a database with the rows, left in a new directory. */
export async function fillExportDatabase(options: ExportBenchOptions): Promise<ExportFillResult> {
  const dir = await mkdtemp(join(tmpdir(), 'dtuhub-bench-export-'));
  benchConfig(dir);
  const app = new DtuhubApp(loadConfig(dir), silentLogger());
  await app.start();
  try {
    const started = performance.now();
    await fill(app, options);
    return {
      dir,
      rows: Math.ceil(options.rows / options.points) * options.points,
      fillSeconds: (performance.now() - started) / 1000,
    };
  } finally {
    await app.stop();
  }
}

/** Step 2 (a fresh process, so the fill's memory is not counted): the app serving that database. */
export class ExportServer {
  private app: DtuhubApp | null = null;
  private sampler: NodeJS.Timeout | null = null;
  private peak = 0;

  async start(fill: ExportFillResult): Promise<ServingApp> {
    const app = new DtuhubApp(loadConfig(fill.dir), silentLogger());
    await app.start();
    this.app = app;
    const web = app.web;
    if (!web?.port) throw new Error('the web server is not running');
    return {
      base: `http://127.0.0.1:${web.port}`,
      cookie: `${SESSION_COOKIE}=${web.ctx.sessions.create('bench', 'viewer').id}`,
    };
  }

  /** Starts watching RSS; returns it after a GC. */
  measure(): number {
    global.gc?.();
    const now = process.memoryUsage().rss;
    this.peak = now;
    if (this.sampler) clearInterval(this.sampler);
    this.sampler = setInterval(() => (this.peak = Math.max(this.peak, process.memoryUsage().rss)), RSS_SAMPLE_MS);
    return now;
  }

  /** Peak RSS since `measure()`. */
  peakRss(): number {
    if (this.sampler) clearInterval(this.sampler);
    this.sampler = null;
    return Math.max(this.peak, process.memoryUsage().rss);
  }

  async stop(): Promise<void> {
    if (this.sampler) clearInterval(this.sampler);
    await this.app?.stop();
    this.app = null;
  }
}

/** The client side, in the bench parent: downloads one export, counting bytes (and CSV lines). */
export async function downloadExport(
  app: ServingApp,
  format: 'csv' | 'xlsx',
  rows: number,
): Promise<{ seconds: number; bytes: number }> {
  const started = performance.now();
  const res = await fetch(`${app.base}/api/export/data?format=${format}&device=${EXPORT_DEVICE}`, {
    headers: { cookie: app.cookie },
  });
  if (res.status !== 200 || !res.body) throw new Error(`export ${format}: HTTP ${res.status} ${await res.text()}`);
  let bytes = 0;
  let lines = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    if (format === 'csv') for (let i = 0; i < chunk.length; i++) if (chunk[i] === 0x0a) lines++;
  }
  const seconds = (performance.now() - started) / 1000;
  // CSV: every data row plus the header ends with CRLF; a short file means a broken export.
  if (format === 'csv' && lines !== rows + 1) throw new Error(`export csv: ${lines - 1} rows instead of ${rows}`);
  return { seconds, bytes };
}

export async function removeExportDatabase(fill: ExportFillResult): Promise<void> {
  await rm(fill.dir, { recursive: true, force: true });
}
