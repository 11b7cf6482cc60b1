// The tables the latest schema has (both dialects), for the migration tests.
export const SCHEMA_TABLES = [
  'alarms',
  'applied_batches',
  'config_versions',
  'connection_history',
  'device_data',
  'devices',
  'events',
  'heartbeat_log',
  'point_names',
  'point_sources',
  'raw_packets',
  'rollup_hour',
  'rollup_minute',
  'rollup_state',
  'schema_version',
  'web_audit',
  'web_tokens',
  'web_users',
  'webhook_deliveries',
];

/** SQLite's alone: a text point's text beside device_data's slimmer row (migration 014). */
export const SQLITE_ONLY_TABLES = ['device_text'];
