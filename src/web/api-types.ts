// The API's response types, derived from the route schemas (one declaration each, in
// routes/response-schemas.ts and routes/event-schemas.ts). The UI imports these type-only,
// so its bundle gets no server code.
import type { Static } from '@sinclair/typebox';
import type { FleetDeviceField } from '../services/index.js';
import type {
  CONFIG_FILE_VIEW,
  CONFIG_ISSUE,
  CONFIG_VERSION,
  DIFF_LINE,
  SAVE_RESULT,
  TEST_READ_RESULT,
  VERSION_DETAIL,
} from './routes/config-edit-schemas.js';
import type { ACK_RESULT, ALARM, ALARM_PAGE, ALARM_SUMMARY } from './routes/alarm-schemas.js';
import type { RELOAD_OUTCOME, RELOAD_STATE } from './routes/config-reload-schemas.js';
import type {
  DELIVERY,
  ENDPOINT,
  EVENT_ROW,
  NOTIFIER,
  QUEUE_STATS,
  RULE_VIEW,
  TEST_RESULT,
} from './routes/event-schemas.js';
import type { FLEET_TABLE } from './routes/fleet-schemas.js';
import type { POINT_WRITE_RESULT, WRITABLE_POINT } from './routes/point-write-schemas.js';
import type {
  AUDIT_ROW,
  BUCKET,
  CHANNEL,
  SINK,
  CONNECTION_ROW,
  DEVICE_DETAIL,
  DEVICE_LIST,
  DEVICE_SUMMARY,
  DEVICE_VIA,
  FLEET_STATUS,
  LISTENER,
  ME,
  PACKET_ROW,
  POINT_INFO,
  PROCESS_USAGE,
  ROLE,
  SAMPLE,
  SERIES,
  SLAVE_STATE,
  STATUS,
  TIME_NEXT,
  TOKEN,
  USER,
} from './routes/response-schemas.js';

export type Role = Static<typeof ROLE>;
export type Me = Static<typeof ME>;
export type DeviceVia = NonNullable<Static<typeof DEVICE_VIA>>;
export type DeviceSummary = Static<typeof DEVICE_SUMMARY>;
/** An online device in the live feed's fleet pages, deltas and device snapshots. */
export type FleetDevice = Pick<DeviceSummary, FleetDeviceField>;
export type SlaveState = Static<typeof SLAVE_STATE>;
export type PointInfo = Static<typeof POINT_INFO>;
export type DeviceDetail = Static<typeof DEVICE_DETAIL>;
export type DeviceList = Static<typeof DEVICE_LIST>;
export type Sample = Static<typeof SAMPLE>;
export type Bucket = Static<typeof BUCKET>;
export type SeriesResponse = Static<typeof SERIES>;
export type TimeNext = Static<typeof TIME_NEXT>;
export type ConnectionRow = Static<typeof CONNECTION_ROW>;
export type PacketRow = Static<typeof PACKET_ROW>;
/** An inbound DTU listener (GET /api/listeners). */
export type Listener = Static<typeof LISTENER>;
/** An outbound channel (GET /api/channels). */
export type Channel = Static<typeof CHANNEL>;
export type Sink = Static<typeof SINK>;
export type ProcessUsage = Static<typeof PROCESS_USAGE>;
export type Status = Static<typeof STATUS>;
/** The fleet topic's `status` frame body. */
export type FleetStatus = Static<typeof FLEET_STATUS>;
export type User = Static<typeof USER>;
export type ApiToken = Static<typeof TOKEN>;
export type AuditRow = Static<typeof AUDIT_ROW>;
export type EventRow = Static<typeof EVENT_ROW>;
export type RuleView = Static<typeof RULE_VIEW>;
export type WebhookEndpoint = Static<typeof ENDPOINT>;
/** A notifier of rules.yml (GET /api/notifiers). */
export type Notifier = Static<typeof NOTIFIER>;
export type DeliveryStats = Static<typeof QUEUE_STATS>;
export type Delivery = Static<typeof DELIVERY>;
export type WebhookTestResult = Static<typeof TEST_RESULT>;
export type ConfigFileView = Static<typeof CONFIG_FILE_VIEW>;
export type ConfigIssue = Static<typeof CONFIG_ISSUE>;
export type ConfigVersion = Static<typeof CONFIG_VERSION>;
export type DiffLine = Static<typeof DIFF_LINE>;
export type ConfigSaveResult = Static<typeof SAVE_RESULT>;
export type ConfigVersionDetail = Static<typeof VERSION_DETAIL>;
export type TestReadResult = Static<typeof TEST_READ_RESULT>;
/** One live config reload's outcome (GET/POST /api/config/reload). */
export type ReloadOutcomeView = Static<typeof RELOAD_OUTCOME>;
export type ConfigReloadState = Static<typeof RELOAD_STATE>;
/** The fleet table of latest values (GET /api/fleet/latest). */
export type FleetTableView = Static<typeof FLEET_TABLE>;

/** What a route may hand fastify for a response type: the services answer readonly objects. */
export type WritablePoint = Static<typeof WRITABLE_POINT>;
export type PointWriteResult = Static<typeof POINT_WRITE_RESULT>;

export type Served<T> = T extends (infer U)[]
  ? readonly Served<U>[]
  : T extends object
    ? { readonly [K in keyof T]: Served<T[K]> }
    : T;

// Alarms (docs/EVENTS.md, "Alarms").
export type Alarm = Static<typeof ALARM>;
export type AlarmPage = Static<typeof ALARM_PAGE>;
export type AlarmSummary = Static<typeof ALARM_SUMMARY>;
export type AckResult = Static<typeof ACK_RESULT>;
