// MariaDB/MySQL keep device_data in compressed pages (issue 16): ≤ 45 bytes per stored point.
//
// An InnoDB row costs about 18 bytes before its first column (record header, transaction id,
// roll pointer) and every integer its declared width: 57 bytes a point on 1,000 devices × 50
// points, where the goal is 45. Rows of one device sit together and differ little from one
// sample to the next (same device and point ids, close times, similar values), which zlib
// squeezes to about half: ROW_FORMAT=COMPRESSED with 8 KiB pages. The rows, columns and
// their meaning do not change; reads and writes are the same SQL.
//
// Measured before choosing (docs/CONFIG.md, "Bytes per stored point"): dropping `value`
// where the register bytes decode to it ("layout R") would save 8 bytes a row in MariaDB
// and about 6.5 in SQLite, short of both goals on its own, at the price of a codec history
// read on every path that reads rows. Compression alone reaches the MariaDB goal.
//
// SQLite has no page compression: nothing changes there. ALTER TABLE rebuilds the MySQL table
// with its rows (copying them), so a failed run leaves the old table as it was.
import type { Migration } from './types.js';

/** KEY_BLOCK_SIZE in KiB: half a 16 KiB page, the size zlib reaches on these rows. */
export const DEVICE_DATA_KEY_BLOCK_KIB = 8;

export const compressedRows: Migration = {
  version: 8,
  name: 'compressed_rows',
  statements(dialect) {
    return dialect === 'mysql'
      ? [`ALTER TABLE device_data ROW_FORMAT=COMPRESSED KEY_BLOCK_SIZE=${DEVICE_DATA_KEY_BLOCK_KIB}`]
      : [];
  },
};
