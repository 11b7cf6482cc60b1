// JSON schemas of the responses: they document the shapes in code, and fastify serialises
// with them (only the listed fields leave the server, so an internal field added to an
// object later is not leaked by accident).

const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const num = { type: 'number' } as const;
const bool = { type: 'boolean' } as const;
const nullable = (type: string) => ({ type: [type, 'null'] }) as const;
/** Any JSON object, serialised as it is (status sub-objects with many counters). */
const anyObject = { type: 'object', additionalProperties: true } as const;

export function object(properties: Record<string, unknown>) {
  return { type: 'object', additionalProperties: false, required: Object.keys(properties), properties } as const;
}

export const list = (items: unknown, extra: Record<string, unknown> = {}) => object({ items: { type: 'array', items }, ...extra });

export const ERROR_RESPONSE = {
  type: 'object',
  properties: { error: { type: 'object', properties: { code: str, message: str, details: { type: 'array', items: str } }, required: ['code', 'message'] } },
  required: ['error'],
} as const;

export const DEVICE_SUMMARY = object({
  registrationId: str,
  name: nullable('string'),
  profile: str,
  status: str,
  ip: str,
  port: int,
  listener: str,
  via: {
    anyOf: [
      { type: 'null' },
      object({ kind: { type: 'string', const: 'dtu' }, listener: str }),
      object({ kind: { type: 'string', const: 'channel' }, channel: str, type: str }),
    ],
  },
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
} as const;

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
});

export const POINT_INFO = object({ name: str, slave: int, fn: int, address: int, type: str, unit: nullable('string'), description: nullable('string') });

export const TIME_NEXT = { anyOf: [{ type: 'null' }, object({ from: int }), object({ to: int })] } as const;

export const CONNECTION_ROW = object({ id: int, registrationId: nullable('string'), event: str, ip: str, port: int, listener: str, details: nullable('string'), at: int });
export const HEARTBEAT_ROW = object({ id: int, registrationId: str, ip: str, port: int, at: int });
export const PACKET_ROW = object({ id: int, registrationId: nullable('string'), direction: str, kind: str, hex: str, ip: str, port: int, note: nullable('string'), at: int });

export const USER = object({ username: str, role: str, createdAt: int, updatedAt: int });
export const TOKEN = object({ id: int, name: str, role: str, createdBy: str, createdAt: int, lastUsedAt: nullable('integer'), expiresAt: nullable('integer') });

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
  values: { anyOf: [{ type: 'null' }, { type: 'array', items: { type: ['number', 'boolean'] } }] },
  result: str,
  details: nullable('string'),
});

export const PROCESS_USAGE = object({ pid: int, cpuPercent: num, rssBytes: int, heapUsedBytes: int, heapTotalBytes: int });

export const CHANNEL = object({
  name: str,
  host: str,
  port: int,
  link: str,
  state: str,
  connections: int,
  online: int,
  restarts: int,
  startedAt: nullable('integer'),
  lastError: nullable('string'),
});

/** An outbound channel (src/channels/collector.ts CollectorStatus). */
export const COLLECTOR = object({
  name: str,
  type: str,
  target: str,
  enabled: bool,
  state: str,
  lastError: nullable('string'),
  lastErrorAt: nullable('integer'),
  connectedAt: nullable('integer'),
  lastCollectAt: nullable('integer'),
  nextAttemptAt: nullable('integer'),
  failures: int,
  restarts: int,
  startedAt: nullable('integer'),
  devices: { type: 'array', items: str },
  counters: object({ connects: int, connectFailures: int, disconnects: int, collects: int, collectErrors: int, samples: int }),
});

export const STATUS = object({
  version: str,
  startedAt: int,
  uptimeMs: int,
  connections: object({ open: int, online: int, acceptedTotal: int, refusedTotal: int }),
  devices: object({ known: int, online: int, offline: int }),
  rates: object({ windowMs: int, transactionsPerSec: num, pointsPerSec: num, heartbeatsPerSec: num }),
  today: object({ since: int, points: int, heartbeats: int }),
  store: anyObject,
  buffer: object({ rows: int }),
  process: PROCESS_USAGE,
  counters: anyObject,
});

export { anyObject, bool, int, num, str, nullable };
