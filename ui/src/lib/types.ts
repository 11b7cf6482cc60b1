// The API's shapes as docs/API.md describes them (the UI knows the API, not the server).

export type Role = 'viewer' | 'operator' | 'admin';

export interface Me {
  username: string;
  role: Role;
  via: 'session' | 'token';
}

export interface DeviceSummary {
  registrationId: string;
  name: string | null;
  profile: string;
  status: 'online' | 'offline';
  ip: string;
  port: number;
  listener: string;
  /** How the device is connected; null when it never was. */
  via: DeviceVia | null;
  firstSeen: number | null;
  lastSeen: number | null;
  connectedAt: number | null;
  lastHeartbeatAt: number | null;
  lastDataAt: number | null;
}

export type DeviceVia = { kind: 'dtu'; listener: string } | { kind: 'channel'; channel: string; type: string };

export interface SlaveState {
  slave: number;
  name: string;
  consecutiveFailures: number;
  backedOff: boolean;
  backoffUntil: number;
  backoffMs: number;
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
}

export interface PointInfo {
  name: string;
  slave: number;
  fn: number;
  address: number;
  type: string;
  unit: string | null;
  description: string | null;
}

export interface DeviceDetail extends DeviceSummary {
  session: { registeredAt: number | null; heartbeatMisses: number; queueDepth: number } | null;
  slaves: SlaveState[];
  points: PointInfo[];
}

export interface Sample {
  deviceId: string;
  point: string;
  slave: number;
  address: number;
  value: number | null;
  text: string | null;
  raw: string;
  ts: number;
  quality: string;
}

export interface DeviceList {
  total: number;
  offset: number;
  limit: number;
  counts: { online: number; offline: number };
  items: DeviceSummary[];
}

export interface Bucket {
  t: number;
  count: number;
  min: number;
  max: number;
  avg: number;
}

export interface SeriesResponse {
  from: number;
  to: number;
  bucketMs: number;
  series: { point: string; unit: string | null; buckets: Bucket[] }[];
  rowsScanned: number;
  truncated: boolean;
}

export type TimeNext = { from: number } | { to: number } | null;

export interface ConnectionRow {
  id: number;
  registrationId: string | null;
  event: string;
  ip: string;
  port: number;
  listener: string;
  details: string | null;
  at: number;
}

export interface PacketRow {
  id: number;
  registrationId: string | null;
  direction: string;
  kind: string;
  hex: string;
  ip: string;
  port: number;
  note: string | null;
  at: number;
}

export interface Channel {
  name: string;
  host: string;
  port: number;
  link: string;
  state: 'running' | 'stopped' | 'error';
  connections: number;
  online: number;
  restarts: number;
  startedAt: number | null;
  lastError: string | null;
}

/** An outbound channel (GET /api/channels `collectors`). */
export interface Collector {
  name: string;
  type: string;
  target: string;
  enabled: boolean;
  state: 'connecting' | 'connected' | 'disconnected' | 'error' | 'backing-off' | 'stopped';
  lastError: string | null;
  lastErrorAt: number | null;
  connectedAt: number | null;
  lastCollectAt: number | null;
  nextAttemptAt: number | null;
  failures: number;
  restarts: number;
  startedAt: number | null;
  devices: string[];
  counters: { connects: number; connectFailures: number; disconnects: number; collects: number; collectErrors: number; samples: number };
}

export interface ProcessUsage {
  pid: number;
  cpuPercent: number;
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes?: number;
}

export interface Status {
  version: string;
  startedAt: number;
  uptimeMs: number;
  connections: { open: number; online: number; acceptedTotal: number; refusedTotal: number };
  devices: { known: number; online: number; offline: number };
  rates: { windowMs: number; transactionsPerSec: number; pointsPerSec: number; heartbeatsPerSec: number };
  today: { since: number; points: number; heartbeats: number };
  store: { driver?: string; where?: string; state?: string; since?: number; lastError?: string | null; [key: string]: unknown };
  buffer: { rows: number };
  process: ProcessUsage;
}

export interface User {
  username: string;
  role: Role;
  createdAt: number;
  updatedAt: number;
}

export interface ApiToken {
  id: number;
  name: string;
  role: Role;
  createdBy: string;
  createdAt: number;
  lastUsedAt: number | null;
  expiresAt: number | null;
}

export interface AuditRow {
  id: number;
  at: number;
  actor: string;
  ip: string;
  action: string;
  device: string | null;
  slave: number | null;
  fn: number | null;
  address: number | null;
  values: (number | boolean)[] | null;
  result: string;
  details: string | null;
}

/** Frames of the WebSocket live feed. */
export type LiveFrame =
  | { type: 'hello'; user: string; role: Role; keepAliveMs: number; at: number }
  | { type: 'snapshot'; channel: 'fleet'; online: number; devices: DeviceSummary[]; at: number }
  | { type: 'snapshot'; channel: string; device: DeviceSummary | null; values: Sample[]; unreachable: boolean; at: number }
  | { type: 'data'; channel: string; deviceId: string; samples: Sample[]; polledAt: number; at: number }
  | { type: 'device'; channel: string; deviceId: string; event: 'online' | 'offline' | 'unreachable' | 'reachable'; reason: string | null; at: number }
  | { type: 'unreachable'; channel: string; deviceId: string; failures: number; slave: number; reason: string; at: number }
  | { type: 'status'; channel: 'fleet'; status: Status & { channels: Channel[]; collectors: Collector[] }; at: number }
  | { type: 'unsubscribed' | 'keepalive' | 'pong'; channel?: string; at: number }
  | { type: 'error'; code: string; message: string };

/** GET /api/events (docs/API.md, "Events, rules and webhooks"). */
export interface EventRow {
  id: string;
  type: string;
  registrationId: string | null;
  rule: string | null;
  at: number;
  payload: Record<string, unknown>;
}

export interface RuleView {
  name: string;
  description: string;
  summary: string;
  actions: string[];
  counters: { fired: number; recovered: number; suppressed: number; debounced: number; lastFiredAt: number | null };
}

export interface WebhookEndpoint {
  name: string;
  url: string;
  method: string;
  enabled: boolean;
  concurrency: number;
  maxAttempts: number;
  secrets: number;
  queued: number;
  inFlight: number;
}

export interface DeliveryStats {
  queued: number;
  inFlight: number;
  delivered: number;
  failedAttempts: number;
  dead: number;
  storeErrors: number;
}

export interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  registrationId: string | null;
  endpoint: string;
  rule: string;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  nextAttemptAt: number;
  lastStatus: number | null;
  lastError: string | null;
  lastLatencyMs: number | null;
  createdAt: number;
  updatedAt: number;
  deliveredAt: number | null;
}

export interface WebhookTestResult {
  ok: boolean;
  status: number | null;
  error: string | null;
  latencyMs: number;
  eventId: string;
}
