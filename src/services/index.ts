// The façade's one entry point for web/ and cli/.
export type { ChannelsService, ChannelStatus } from './channels.js';
export type { SinksService, SinkStatus } from './sinks.js';
export type {
  DevicesService,
  DeviceDetail,
  DeviceSummary,
  FleetDevice,
  FleetDeviceField,
  DeviceVia,
  LatestValue,
  PointInfo,
  SlaveState,
} from './devices.js';
export type { FleetColumn, FleetRow, FleetService, FleetTable, FleetTableQuery } from './fleet.js';
export { FLEET_SORTS, filterDevices, sortDevices, type FleetFilter, type FleetSort } from './fleet-select.js';
export { ServiceError, type ServiceErrorCode } from './errors.js';
export type {
  DeliveryQuery,
  DeliveryRecord,
  DeliveryStatus,
  EndpointView,
  EventQuery,
  EventRow,
  EventsService,
  QueueStats,
  RuleView,
  TestResult,
  WebhooksService,
} from './events.js';
export { formatConfigIssues } from '../config/errors.js';
export {
  EDITABLE_FILES,
  isEditableFile,
  type Candidate,
  type ConfigEditor,
  type ConfigFileView,
  type DiffLine,
  type EditableFile,
  type SaveOutcome,
  type TestBlock,
  type TestReadOutcome,
  type TestTarget,
  type VersionDiff,
  type YamlEdit,
} from './config-edit/config-editor.js';
export type { FeedEvents, LiveFeed } from './live-feed.js';
export type { ListenersService, ListenerStatus, SupervisionAction } from './listeners.js';
export type { ConfigChange, ConfigIssue, ReloadOutcome, ReloadTrigger } from '../domain/config-reload.js';
export type { RegistryChanges, RegistryService, ImportOutcome } from './registry.js';
export { REGISTRY_COLUMNS, splitTags, type FileLine, type RowError } from './registry-rows.js';
export type { RegistryView } from './registry-view.js';
export type { Runtime } from './runtime.js';
export { createServices, type MetricsService, type Services } from './services.js';
export type { MetricsScrape } from './metrics/metrics-registry.js';
export type { Counters, RuntimeStatus, StatusService } from './status.js';
export type { ProcessUsage, Rates, StatusSampler, TodayCounts } from './status-sampler.js';
export type { WriteCommand, WriteOutcome, WritesService } from './writes.js';
export type {
  AckOutcome,
  AlarmPage,
  AlarmQuery,
  AlarmRecord,
  AlarmsService,
  AlarmState,
  AlarmSummary,
} from './alarms.js';
export type { PointWriteOutcome, PointWriteRequest, ReadBack, WritablePoint } from './writes.js';
