// Batch ids applied, so applying a batch twice changes nothing the second time: a retry
// after a commit whose reply was lost, or a spill-journal replay after a crash that came
// between a commit and the journal's trim. device_data is idempotent by its key already;
// this also covers connection_history, heartbeat_log and raw_packets, whose rows have only
// an auto-increment id. Rows are deleted by the retention sweep after a few days.
import type { Migration } from './types.js';

/** Batch ids are only needed while a batch can still be applied again; a week is plenty. */
export const APPLIED_BATCH_KEEP_MS = 7 * 24 * 3_600_000;

export const appliedBatches: Migration = {
  version: 2,
  name: 'applied_batches',
  statements(dialect) {
    const options = dialect === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=ascii COLLATE=ascii_bin' : ' WITHOUT ROWID';
    return [
      `CREATE TABLE applied_batches (
        id VARCHAR(40) NOT NULL PRIMARY KEY,
        rows_applied INTEGER NOT NULL,
        applied_at BIGINT NOT NULL
      )${options}`,
      `CREATE INDEX ix_applied_batches_time ON applied_batches (applied_at)`,
    ];
  },
};
