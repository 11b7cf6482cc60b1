// Public face of the persistence layer. Everything outside src/storage imports from here.
export type {
  ConnectionEvent,
  ConnectionQuery,
  ConnectionRecord,
  ConnectionRow,
  DataCursor,
  DataQuery,
  DataRow,
  DeviceRow,
  DeviceStatus,
  DeviceUpsert,
  EventQuery,
  EventRecord,
  EventRow,
  HeartbeatQuery,
  HeartbeatRecord,
  HeartbeatRow,
  HistoryCounts,
  HistoryReader,
  HistoryWriter,
  PacketDirection,
  RawPacketKind,
  RawPacketQuery,
  RawPacketRecord,
  RawPacketRow,
  RetentionReport,
  SeriesQuery,
  SeriesResult,
  SeriesTier,
  StoreHealth,
  StoreState,
  TimeRangeQuery,
  WriterStats,
} from './history.js';
export { DEFAULT_QUERY_LIMIT, MAX_QUERY_LIMIT } from './history.js';
export { StorageError, type StorageErrorCode } from './errors.js';
export { LatestValues } from './latest-cache.js';
export { LATEST_SCHEMA_VERSION, MIGRATIONS, type Dialect, type Migration } from './migrations/index.js';
export {
  BufferedHistoryWriter,
  type BatchSink,
  type BufferedWriterOptions,
  type FlushInfo,
  type SinkResult,
} from './buffered-writer.js';
export { SAMPLE_STORED, type WriteBatch } from './write-batch.js';
// The store-and-forward machinery, for northbound sinks (src/sinks/) as for MySQL.
export { SpillJournal } from './spill/spill-journal.js';
export { spillSegmentBytes } from './spill/segment-size.js';
export { SpoolingSink, type GroupSink, type SpoolHealth, type SpoolingOptions } from './spill/spooling-sink.js';
export { createHistoryStore, type HistoryStore, type StoreConfig, type StoreOptions } from './history-store.js';
export {
  openSqliteHistory,
  SqliteHistory,
  type HistoryConfig,
  type SqliteHistoryOptions,
} from './sqlite/sqlite-history.js';
export {
  MysqlHistory,
  openMysqlHistory,
  type MysqlHistoryConfig,
  type MysqlHistoryOptions,
} from './mysql/mysql-history.js';
export type { MysqlStorageConfig } from './mysql/mysql-config.js';

// Accounts (users, API tokens, the audit log) and webhook deliveries share the history's database.
export type {
  AccountStore,
  AuditQuery,
  AuditRecord,
  AuditRow,
  AuditValue,
  NewToken,
  TokenRecord,
  UserRecord,
} from './accounts/account-store.js';
export { AccountStoreUnavailableError } from './accounts/account-store-unavailable.js';
export {
  contentDigest,
  type ConfigVersion,
  type ConfigVersionAction,
  type ConfigVersionStore,
  type ConfigVersionWithContent,
  type NewConfigVersion,
} from './accounts/config-version-store.js';
export { accountStoreFor } from './accounts/open-account-store.js';
export { AuditTrail } from './accounts/audit-trail.js';
export { MysqlAccountStore } from './accounts/mysql-account-store.js';
export { SqliteAccountStore } from './accounts/sqlite-account-store.js';
export {
  StoreBusyError,
  type DeliveryQuery,
  type DeliveryRecord,
  type DeliveryStatus,
  type DeliveryStore,
} from './deliveries/delivery-store.js';
export { deliveryStoreFor } from './deliveries/open-delivery-store.js';
export { MysqlDeliveryStore } from './deliveries/mysql-delivery-store.js';
export { SqliteDeliveryStore } from './deliveries/sqlite-delivery-store.js';

// The device registry: registry columns of `devices`, and the in-memory registry over them.
export type { RegistryStore, RemoveOutcome } from './registry/registry-store.js';
export { FleetRegistry } from './registry/fleet-registry.js';
export { registryStoreFor } from './registry/open-registry-store.js';
export { MysqlRegistryStore } from './registry/mysql-registry-store.js';
export { SqliteRegistryStore } from './registry/sqlite-registry-store.js';

// Alarms (migration 011): raised by alarm rules, kept until cleared and acknowledged.
export {
  MAX_ALARM_LIMIT,
  type AlarmPage,
  type AlarmQuery,
  type AlarmRecord,
  type AlarmState,
  type AlarmStore,
} from './alarms/alarm-store.js';
export { alarmStoreFor } from './alarms/open-alarm-store.js';
export { MysqlAlarmStore } from './alarms/mysql-alarm-store.js';
export { SqliteAlarmStore } from './alarms/sqlite-alarm-store.js';
