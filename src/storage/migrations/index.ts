// Every migration, in order. Add a file `NNN_name.ts` and append it here; never edit one
// that has been released.
import { initialSchema } from './001_initial.js';
import { appliedBatches } from './002_applied_batches.js';
import { webSchema } from './003_web.js';
import { eventsSchema } from './004_events.js';
import { rollupSchema } from './005_rollups.js';
import { slimRows } from './006_slim_rows.js';
import { sparseMinutes } from './007_sparse_minutes.js';
import { compressedRows } from './008_compressed_rows.js';
import { deviceRegistry } from './009_device_registry.js';
import { configVersions } from './010_config_versions.js';
import { alarmsSchema } from './011_alarms.js';
import { passwordChange } from './012_password_change.js';
import { valueFromRaw } from './013_value_from_raw.js';
import { valueCell } from './014_value_cell.js';
import { minuteRowsByTime } from './015_minute_rows_by_time.js';
import type { Migration } from './types.js';

export type { Dialect, Migration } from './types.js';
export { SCHEMA_VERSION_TABLE } from './types.js';

export const MIGRATIONS: readonly Migration[] = [
  initialSchema,
  appliedBatches,
  webSchema,
  eventsSchema,
  rollupSchema,
  slimRows,
  sparseMinutes,
  compressedRows,
  deviceRegistry,
  configVersions,
  alarmsSchema,
  passwordChange,
  valueFromRaw,
  valueCell,
  minuteRowsByTime,
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);
