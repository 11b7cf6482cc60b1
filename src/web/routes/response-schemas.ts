// The responses, declared once with TypeBox: each constant is the JSON Schema fastify
// serialises with (only the listed fields leave the server, so an internal field added
// later is not leaked by accident) and, through Static<>, the TypeScript type the UI
// reads (src/web/api-types.ts). This module imports nothing from the server: the UI's
// type check reads it.
import { Type, type TSchema } from '@sinclair/typebox';

export const str = Type.String();
export const int = Type.Integer();
export const num = Type.Number();
export const bool = Type.Boolean();

type NullableOf = { string: string; integer: number; number: number };
/** `type: [t, 'null']`, as fast-json-stringify serialises it best. */
export const nullable = <K extends keyof NullableOf>(type: K) =>
  Type.Unsafe<NullableOf[K] | null>({ type: [type, 'null'] });

/** One of a few strings; serialised as a string, the enum documents it. */
export const oneOf = <const T extends readonly string[]>(values: T) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });

/** Any JSON object, serialised as it is (status sub-objects with many counters). */
export const anyObject = Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true });

export const object = <P extends Record<string, TSchema>>(properties: P) =>
  Type.Object(properties, { additionalProperties: false });
export const list = <I extends TSchema, E extends Record<string, TSchema> = Record<never, TSchema>>(
  items: I,
  extra: E = {} as E,
) => object({ items: Type.Array(items), ...extra });
export const orNull = <T extends TSchema>(schema: T) => Type.Union([Type.Null(), schema]);

export const ERROR_RESPONSE = Type.Object({
  error: Type.Object({ code: str, message: str, details: Type.Optional(Type.Array(str)) }),
});

export const ROLE = oneOf(['viewer', 'operator', 'admin'] as const);

export const ME = object({
  username: str,
  role: ROLE,
  via: oneOf(['session', 'token'] as const),
  /** A generated password must be changed before anything else (issue 19). */
  mustChangePassword: Type.Optional(bool),
});

export const DEVICE_VIA = Type.Union([
  Type.Null(),
  object({ kind: Type.Literal('dtu'), listener: str }),
  object({ kind: Type.Literal('channel'), channel: str, type: str }),
]);

/** A device's registry fields (docs/API.md, "Device registry"). */
export const REGISTRY_FIELDS = {
  name: nullable('string'),
  description: nullable('string'),
  location: nullable('string'),
  latitude: nullable('number'),
  longitude: nullable('number'),
  tags: Type.Array(str),
  group: nullable('string'),
  profileOverride: nullable('string'),
  enabled: bool,
  notes: nullable('string'),
};

export const DEVICE_SUMMARY = object({
  registrationId: str,
  ...REGISTRY_FIELDS,
  /** Registry fields points.yml sets for this ID (read-only in the registry). */
  setByConfig: Type.Array(oneOf(['name', 'profileOverride'] as const)),
  profile: str,
  status: oneOf(['online', 'offline'] as const),
  ip: str,
  port: int,
  listener: str,
  /** How the device is connected; null when it never was. */
  via: DEVICE_VIA,
  firstSeen: nullable('integer'),
  lastSeen: nullable('integer'),
  connectedAt: nullable('integer'),
  lastHeartbeatAt: nullable('integer'),
  lastDataAt: nullable('integer'),
});

export const SAMPLE_PROPERTIES = {
  deviceId: str,
  point: str,
  slave: int,
  address: int,
  value: nullable('number'),
  text: nullable('string'),
  raw: str,
  ts: int,
  quality: str,
};

export const SAMPLE = object(SAMPLE_PROPERTIES);

export const SLAVE_STATE = object({
  slave: int,
  name: str,
  consecutiveFailures: int,
  backedOff: bool,
  backoffUntil: int,
  backoffMs: int,
  lastSuccessAt: nullable('integer'),
  lastFailureAt: nullable('integer'),
  /** What the slave speaks: `modbus`, `dlt645-2007` or `dlt645-1997`. */
  protocol: str,
  /** A meter's address as printed on it; null for a Modbus slave, or a `discover` meter not read yet. */
  meterAddress: nullable('string'),
});

export const POINT_INFO = object({
  name: str,
  slave: int,
  fn: int,
  address: int,
  type: str,
  unit: nullable('string'),
  /** What the point measures, per UI language (points.yml `description`). */
  description: orNull(object({ en: str, zh: str })),
  /** `state`: a bool, bit or unit-less integer status, drawn as steps. */
  kind: Type.Union([Type.Literal('measure'), Type.Literal('state')]),
});

export const DEVICE_DETAIL = object({
  ...DEVICE_SUMMARY.properties,
  session: orNull(object({ registeredAt: nullable('integer'), heartbeatMisses: int, queueDepth: int })),
  slaves: Type.Array(SLAVE_STATE),
  points: Type.Array(POINT_INFO),
});

export const LATEST_VALUES = list(object({ ...SAMPLE_PROPERTIES, unit: nullable('string') }), { deviceId: str });

export const DEVICE_LIST = list(DEVICE_SUMMARY, {
  total: int,
  offset: int,
  limit: int,
  counts: object({ online: int, offline: int }),
});

export const TIME_NEXT = Type.Union([Type.Null(), object({ from: int }), object({ to: int })]);

export const BUCKET = object({ t: int, count: int, min: num, max: num, avg: num });
export const SERIES = object({
  from: int,
  to: int,
  tier: Type.Union([Type.Literal('raw'), Type.Literal('minute'), Type.Literal('hour')]),
  bucketMs: int,
  series: Type.Array(object({ point: str, unit: nullable('string'), buckets: Type.Array(BUCKET) })),
  rowsScanned: int,
});

export const CONNECTION_ROW = object({
  id: int,
  registrationId: nullable('string'),
  event: str,
  ip: str,
  port: int,
  listener: str,
  details: nullable('string'),
  at: int,
});
export const HEARTBEAT_ROW = object({ id: int, registrationId: str, ip: str, port: int, at: int });
export const PACKET_ROW = object({
  id: int,
  registrationId: nullable('string'),
  direction: str,
  kind: str,
  hex: str,
  ip: str,
  port: int,
  note: nullable('string'),
  at: int,
});

export const USER = object({ username: str, role: ROLE, createdAt: int, updatedAt: int });
export const TOKEN = object({
  id: int,
  name: str,
  role: ROLE,
  createdBy: str,
  createdAt: int,
  lastUsedAt: nullable('integer'),
  expiresAt: nullable('integer'),
});

export const AUDIT_ROW = object({
  id: int,
  at: int,
  actor: str,
  ip: str,
  action: str,
  device: nullable('string'),
  slave: nullable('integer'),
  fn: nullable('integer'),
  address: nullable('integer'),
  values: orNull(Type.Array(Type.Unsafe<number | boolean>({ type: ['number', 'boolean'] }))),
  result: str,
  details: nullable('string'),
});

export const PROCESS_USAGE = object({
  pid: int,
  cpuPercent: num,
  rssBytes: int,
  heapUsedBytes: int,
  heapTotalBytes: int,
});

/** An inbound DTU listener. */
export const LISTENER = object({
  name: str,
  host: str,
  port: int,
  protocol: oneOf(['tcp', 'udp'] as const),
  link: str,
  links: Type.Array(str),
  registrationFailures: int,
  state: oneOf(['running', 'stopped', 'error'] as const),
  connections: int,
  online: int,
  restarts: int,
  startedAt: nullable('integer'),
  lastError: nullable('string'),
});

/** An outbound channel. */
export const CHANNEL = object({
  name: str,
  type: str,
  target: str,
  enabled: bool,
  state: oneOf(['connecting', 'connected', 'disconnected', 'error', 'backing-off', 'stopped'] as const),
  lastError: nullable('string'),
  lastErrorAt: nullable('integer'),
  connectedAt: nullable('integer'),
  lastCollectAt: nullable('integer'),
  nextAttemptAt: nullable('integer'),
  failures: int,
  restarts: int,
  startedAt: nullable('integer'),
  devices: Type.Array(str),
  counters: object({
    connects: int,
    connectFailures: int,
    disconnects: int,
    collects: int,
    collectErrors: int,
    samples: int,
  }),
});

export const SINK = object({
  name: str,
  type: str,
  target: str,
  enabled: bool,
  samples: oneOf(['all', 'stored'] as const),
  state: oneOf(['ok', 'degraded', 'spilling', 'stopped'] as const),
  since: int,
  lastError: nullable('string'),
  startedAt: nullable('integer'),
  restarts: int,
  lagMs: nullable('integer'),
  backlogRows: int,
  rowsOnDisk: int,
  bytesOnDisk: int,
  counters: object({ accepted: int, sent: int, spilled: int, replayed: int, dropped: int, rejected: int }),
});

/** The store's health as it is; the UI reads a few fields of it. */
const STORE = Type.Unsafe<{
  driver?: string;
  where?: string;
  state?: string;
  since?: number;
  lastError?: string | null;
  [key: string]: unknown;
}>({ type: 'object', additionalProperties: true });

const STATUS_PROPERTIES = {
  version: str,
  startedAt: int,
  uptimeMs: int,
  connections: object({ open: int, online: int, acceptedTotal: int, refusedTotal: int }),
  devices: object({
    known: int,
    online: int,
    offline: int,
    countedAt: nullable('integer'),
    countAgeMs: nullable('integer'),
  }),
  rates: object({ windowMs: int, transactionsPerSec: num, pointsPerSec: num, heartbeatsPerSec: num }),
  today: object({ since: int, points: int, heartbeats: int }),
  store: STORE,
  buffer: object({ rows: int }),
  process: PROCESS_USAGE,
};

/** GET /api/status. */
export const STATUS = object({ ...STATUS_PROPERTIES, counters: anyObject });

/** The fleet topic's `status` frame body: the status without counters, plus supervision. */
export const FLEET_STATUS = object({
  ...STATUS_PROPERTIES,
  listeners: Type.Array(LISTENER),
  channels: Type.Array(CHANNEL),
});
