// The history store as Prometheus metrics: its state, the backlog in memory, the spill
// journal on disk, and the writer's totals, read from StoreHealth at each scrape.
import type { StoreHealth, StoreState, WriterStats } from '../../storage/index.js';
import type { StatusService } from '../status.js';
import type { MetricsHook } from './metrics-registry.js';

const STATES: readonly StoreState[] = ['ok', 'degraded', 'spilling'];

type Reading = readonly [name: string, help: string, read: (h: StoreHealth) => number];

const GAUGES: readonly Reading[] = [
  [
    'dtuhub_store_backlog_rows',
    'Rows accepted and not yet committed or dropped (held in memory).',
    (h) => h.writer.rowsBuffered,
  ],
  [
    'dtuhub_store_batches_in_flight',
    'Batches handed to the database and not yet committed.',
    (h) => h.writer.batchesInFlight,
  ],
  [
    'dtuhub_store_commit_lag_seconds',
    'Time from sealing the last committed batch to its commit.',
    (h) => (h.writer.lastFlushMs ?? 0) / 1000,
  ],
  ['dtuhub_store_spill_rows', 'Rows in the spill journal waiting to be replayed (MySQL).', (h) => h.rowsOnDisk],
  ['dtuhub_store_spill_bytes', 'Bytes of the spill journal waiting to be replayed (MySQL).', (h) => h.bytesOnDisk],
];

const TOTALS: readonly (readonly [name: string, help: string, read: (w: WriterStats) => number])[] = [
  ['dtuhub_store_rows_accepted_total', 'Rows taken in by the history writer.', (w) => w.rowsAccepted],
  ['dtuhub_store_rows_written_total', 'Rows committed to the database directly.', (w) => w.rowsWritten],
  ['dtuhub_store_rows_spilled_total', 'Rows written to the spill journal instead.', (w) => w.rowsSpilled],
  ['dtuhub_store_rows_dropped_total', 'Rows lost: backlog full, or a batch that kept failing.', (w) => w.rowsDropped],
  ['dtuhub_store_commits_total', 'Batches committed.', (w) => w.flushes],
  ['dtuhub_store_write_failures_total', 'Failed write attempts.', (w) => w.failures],
];

export function storeMetrics(hook: MetricsHook, status: StatusService): void {
  hook.gauge({
    name: 'dtuhub_store_state',
    help: '1 for the store’s current state (ok, degraded, spilling), 0 for the others.',
    labelNames: ['state'],
    collect: (report) => {
      const now = status.store().state;
      for (const state of STATES) report(state === now ? 1 : 0, { state });
    },
  });
  for (const [name, help, read] of GAUGES) {
    hook.gauge({ name, help, collect: (report) => report(read(status.store())) });
  }
  for (const [name, help, read] of TOTALS) {
    hook.counter({ name, help, collect: (report) => report(read(status.store().writer)) });
  }
}
