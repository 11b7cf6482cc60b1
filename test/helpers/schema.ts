// The tables the latest schema has (both dialects), for the migration tests.
export const SCHEMA_TABLES = [
  'applied_batches',
  'connection_history',
  'device_data',
  'devices',
  'events',
  'heartbeat_log',
  'point_names',
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
