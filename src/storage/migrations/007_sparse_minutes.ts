// Minute rollups only where they are cheaper than the raw rows (issue 16): a minute row takes
// about 78 bytes in SQLite, so for a point polled every 30 s (two samples a minute) the minute
// rollups cost as much as the samples themselves and save a chart nothing: the raw rows of a
// few hundred minutes are a short read. The user's own fleet polls every 30 s.
//
// `rollup_hour.minute_rows` says whether that hour of that series has minute rows. The writer
// decides it when it creates the hour row, from the minute delta that creates it (see
// DENSE_MINUTE_SAMPLES), and keeps it for the hour: every later delta of that hour goes to
// rollup_minute only if it says 1. A chart's minute-tier part reads the hours that say 0 from
// the raw rows (storage/rollup/series-query.ts). Existing hours all have minute rows: 1.
import type { Migration } from './types.js';

export const sparseMinutes: Migration = {
  version: 7,
  name: 'sparse_minutes',
  statements() {
    return ['ALTER TABLE rollup_hour ADD COLUMN minute_rows TINYINT UNSIGNED NOT NULL DEFAULT 1'];
  },
};
