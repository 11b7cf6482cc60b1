// server.yml, declared once per key: type, range, default and description. ajv checks it
// and fills in the defaults (validate-schema.ts); compile-server.ts converts units and
// runs the checks that need more than one field. docs/CONFIG.md is tested against it.
import { Type, type Static, type TUnsafe } from '@sinclair/typebox';
import { CHANNEL_SCHEMA } from './channels.schema.js';
import { SINK_SCHEMA } from './sinks.schema.js';
import {
  DataSize,
  Duration,
  DurationOrAuto,
  Enum,
  Host,
  Name,
  NAME,
  Port,
  PositiveInt,
  Section,
  Strict,
} from './common.js';

const Listener = Strict({
  name: Name({ description: 'Unique among listeners.' }),
  host: Host({ default: '0.0.0.0', description: 'Address to bind.' }),
  port: Port({ description: 'Port; 0 picks a free one.' }),
  protocol: Enum(['tcp', 'udp'] as const, {
    default: 'tcp',
    description: 'tcp: each DTU opens a connection; udp: DTUs send datagrams and are known by their ID.',
  }),
  // One link, or several tried in order on one port (mixed fleets).
  link: Type.Unsafe<string | string[]>({
    anyOf: [NAME, { type: 'array', items: NAME, minItems: 1, maxItems: 8, uniqueItems: true }],
    'x-message': 'must be a link name or a list of link names',
    description: 'A link under `links:` in points.yml, or a list of them.',
  }),
});

const Web = Section({
  enabled: Type.Boolean({ default: true, description: 'false runs without a web server.' }),
  host: Host({ default: '0.0.0.0', description: 'Address of the web UI and API.' }),
  port: Port({ default: 8080, description: 'Port of the web UI and API.' }),
  admin: Section({
    username: Type.String({
      minLength: 1,
      maxLength: 64,
      pattern: '^[A-Za-z0-9._-]+$',
      default: 'admin',
      description: 'The first admin.',
    }),
    password: Type.Optional(
      Type.String({
        minLength: 8,
        'x-message': 'must be a string of at least 8 characters',
        description: 'Its password (else DTUHUB_ADMIN_PASSWORD).',
      }),
    ),
  }),
  sessionTtl: Duration({ default: '12h', description: 'A login session ends after this long without a request.' }),
  secureCookies: Type.Boolean({ default: false, description: 'Mark the session cookie Secure.' }),
  lockout: Section({
    maxFailures: PositiveInt({ default: 5, description: 'Failed logins per (username, IP) before a lock.' }),
    duration: Duration({ default: '15m', description: 'How long the lock lasts.' }),
  }),
  live: Section({
    keepAlive: Duration({ default: '15s', description: 'Keep-alive frame after this long without another.' }),
    maxBufferedBytes: Type.Integer({
      minimum: 1024,
      default: 1024 * 1024,
      description: 'A slower live viewer is dropped.',
    }),
    unreachableAfter: PositiveInt({ default: 3, description: 'Failed polls before a device shows unreachable.' }),
  }),
});

// Prometheus metrics (docs/METRICS.md). On by default on the web port, where a scrape needs a
// credential anyway; `listen` moves them to an address of their own instead.
const Metrics = Section({
  enabled: Type.Boolean({ default: true, description: 'Serve Prometheus metrics at /metrics.' }),
  token: Type.Optional(
    Type.String({
      minLength: 16,
      maxLength: 200,
      pattern: '^\\S+$',
      description: 'A bearer token a scrape may send (else an API token).',
    }),
  ),
  listen: Type.Optional(
    Strict({
      host: Host({ default: '127.0.0.1', description: 'Address of the metrics listener.' }),
      port: Port({ description: 'Its port; 0 picks a free one.' }),
    }),
  ),
});

// Chosen for cellular DTUs: round trips of seconds, thousands of devices reconnecting at once.
const Sessions = Section({
  heartbeatInterval: Duration({ default: '60s', description: 'The DTUs’ heartbeat period.' }),
  heartbeatMaxMisses: PositiveInt({ default: 3, description: 'Missed heartbeats before the connection closes.' }),
  registrationTimeout: Duration({ default: '30s', description: 'Unregistered connections close after this.' }),
  maxConnections: PositiveInt({ default: 10_000, description: 'Connections held at once; more are refused.' }),
  maxInputBytes: Type.Integer({ minimum: 64, default: 4096, description: 'Unparsed bytes buffered per connection.' }),
  connectStagger: Duration({ default: '2s', description: 'First polls after registration spread over this.' }),
  timerResolution: DurationOrAuto({
    default: 'auto',
    description: 'Step of the shared scheduler, 1ms to 1s, or auto.',
  }),
});

// One object for both drivers, so a key of the other driver is named in the error
// (compile-server.ts); each driver ignores the other's defaults.
const Storage = Section({
  driver: Enum(['sqlite', 'mysql'] as const, { default: 'sqlite', description: 'Database driver.' }),
  // 32 MiB: with 10,000 DTUs 16 MiB held too few leaf pages and commits slowed (docs/BENCHMARKS.md, scenario 2).
  path: Type.String({ minLength: 1, default: 'data/dtuhub.db', description: 'sqlite: database file.' }),
  cacheSize: DataSize({ default: '32MiB', description: 'sqlite: page cache of the write connection.' }),
  pageSize: DataSize({ default: '1KiB', description: 'sqlite: page size of a new database file.' }),
  host: Host({ default: '127.0.0.1', description: 'mysql: server host.' }),
  port: Port({ default: 3306, description: 'mysql: server port.' }),
  user: Type.Optional(Type.String({ minLength: 1, description: 'mysql: user (required).' })),
  // A numeric password in YAML (123456) arrives as a number.
  password: Type.Unsafe<string | number>({ type: ['string', 'number'], default: '', description: 'mysql: password.' }),
  database: Type.Optional(
    Type.String({ minLength: 1, maxLength: 64, description: 'mysql: database name (required).' }),
  ),
  poolSize: Type.Integer({ minimum: 2, maximum: 100, default: 10, description: 'mysql: connections in the pool.' }),
  tls: Type.Boolean({ default: false, description: 'mysql: encrypt the connection.' }),
  spill: Section({
    dir: Type.String({ minLength: 1, default: 'data/spill', description: 'mysql: directory of the spill journal.' }),
    maxSize: DataSize({ default: '2GiB', description: 'mysql: the journal’s cap.' }),
    writeTimeout: Duration({ default: '10s', description: 'mysql: a batch not committed by then is journaled.' }),
  }),
});

const WriteBuffer = Section({
  maxRows: PositiveInt({ default: 5000, description: 'Flush when this many rows are buffered.' }),
  flushInterval: Duration({ default: '1s', description: 'Flush at least this often.' }),
  idleFlushDelay: Duration({
    default: '20ms',
    description: 'While the database is idle, flush this soon after the first row.',
  }),
  // No default here: it follows maxRows (compile-server.ts).
  maxPendingRows: Type.Optional(PositiveInt({ description: 'Rows accepted but not yet stored.' })),
});

const Retention = Section({
  deviceData: Duration({ default: '365d', description: 'Decoded samples (raw rows).' }),
  minuteRollups: Duration({ default: '730d', description: 'Per-minute rollups (min/max/avg/count).' }),
  hourRollups: Duration({ default: '0', description: 'Per-hour rollups; 0 keeps them forever.' }),
  heartbeatLog: Duration({ default: '7d', description: 'Heartbeat records.' }),
  rawPackets: Duration({ default: '3d', description: 'Recorded raw packets.' }),
  connectionHistory: Duration({
    default: '90d',
    description: 'Connect/disconnect history, events, finished deliveries.',
  }),
  rawPacketsMaxRows: Type.Integer({ minimum: 0, default: 100_000, description: 'Cap on raw packet rows; 0: none.' }),
  rawPacketsMaxBytes: DataSize({
    default: '16MiB',
    description: 'Cap on the packet bytes raw_packets holds (twice as hex); 0: none.',
  }),
  recordRawPackets: Enum(['none', 'errors', 'all'] as const, {
    default: 'errors',
    description: 'Which raw packets are recorded.',
  }),
  rawPacketMaxBytes: Type.Integer({
    minimum: 16,
    maximum: 65_536,
    default: 256,
    description: 'Bytes kept of one recorded packet; a longer one keeps its first bytes and its length.',
  }),
  rawPacketBytesPerMinute: DataSize({
    default: '64KiB',
    description: 'Per connection: packet bytes recorded per minute, then only counted; 0: no limit.',
  }),
  sweepInterval: Duration({ default: '1h', description: 'How often old rows are deleted.' }),
});

const Logging = Section({
  level: Enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const, {
    default: 'info',
    description: 'Log level.',
  }),
  pretty: Type.Boolean({ default: false, description: 'Human-readable logs instead of JSON lines.' }),
});

/** Checked, repaired and completed like the rest; compile-channels.ts reads the entries. */
const Channels: TUnsafe<unknown[]> = Type.Unsafe<unknown[]>({ type: 'array', items: CHANNEL_SCHEMA, default: [] });

/** Northbound sinks (docs/SINKS.md); compile-sinks.ts reads the entries. */
const Sinks: TUnsafe<unknown[]> = Type.Unsafe<unknown[]>({ type: 'array', items: SINK_SCHEMA, default: [] });

export const SERVER_SCHEMA = Strict({
  version: Type.Unsafe<1>({ const: 1 }),
  listeners: Type.Array(Listener),
  channels: Channels,
  sinks: Sinks,
  web: Web,
  metrics: Metrics,
  sessions: Sessions,
  storage: Storage,
  writeBuffer: WriteBuffer,
  retention: Retention,
  logging: Logging,
});

/** server.yml as checked, defaults filled in. */
export type ServerYaml = Static<typeof SERVER_SCHEMA>;
export type StorageYaml = ServerYaml['storage'];
export type ListenerYaml = Static<typeof Listener>;
