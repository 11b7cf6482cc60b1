// The compiled, validated, frozen configuration. The loader in src/config turns the two
// YAML files into this shape (every default filled in, durations in milliseconds, byte
// patterns as Buffers); everything else reads only these types.

import type { ChannelConfig } from './channels.js';
import type { PointDef, ReadFunction } from './point.js';
import type { RulesConfig } from './rules.js';
import type { SinkConfig } from './sinks.js';

// ---------------------------------------------------------------- server.yml

export interface ServerConfig {
  readonly listeners: readonly ListenerConfig[];
  /** Outbound channels: peers dtuhub connects to (docs/CHANNELS.md). */
  readonly channels: readonly ChannelConfig[];
  /** Northbound sinks: where samples are forwarded besides the history (docs/SINKS.md). */
  readonly sinks: readonly SinkConfig[];
  readonly web: WebConfig;
  /** Prometheus metrics (docs/METRICS.md). */
  readonly metrics: MetricsConfig;
  readonly sessions: SessionLimits;
  readonly storage: StorageConfig;
  readonly writeBuffer: WriteBufferConfig;
  readonly retention: RetentionConfig;
  readonly logging: LoggingConfig;
}

export interface WebConfig {
  /** false: no web server at all (headless gateway). */
  readonly enabled: boolean;
  readonly host: string;
  readonly port: number;
  /** The bootstrap admin; its password (from YAML or DTUHUB_ADMIN_PASSWORD) is authoritative at start-up. */
  readonly admin: { readonly username: string; readonly password: string | null };
  /** A login session ends after this long without a request. */
  readonly sessionTtlMs: number;
  /** Add `Secure` to the session cookie (set when served over HTTPS by a proxy). */
  readonly secureCookies: boolean;
  /** Failed logins per (user, IP) before that pair is locked, and for how long. */
  readonly lockout: { readonly maxFailures: number; readonly durationMs: number };
  readonly live: WebLiveConfig;
}

export interface MetricsConfig {
  /** Served at all: on the web port, or on `listen`. */
  readonly enabled: boolean;
  /** A bearer token a scrape may send; null: only an API token (web port) or nothing (`listen`). */
  readonly token: string | null;
  /** An address of their own; null: `/metrics` on the web port, behind authentication. */
  readonly listen: { readonly host: string; readonly port: number } | null;
}

export interface WebLiveConfig {
  /** A keep-alive frame is sent after this long without any other frame. */
  readonly keepAliveMs: number;
  /** A viewer whose unsent bytes exceed this is dropped (too slow). */
  readonly maxBufferedBytes: number;
  /** Consecutive failed polls of a device before an "unreachable" frame. */
  readonly unreachableAfter: number;
}

export interface ListenerConfig {
  readonly name: string;
  /** tcp: one connection per DTU; udp: datagrams, each DTU known by its ID, not its address. */
  readonly protocol: 'tcp' | 'udp';
  readonly host: string;
  readonly port: number;
  /** The first of `links`: the link a simulated DTU for this listener speaks. */
  readonly link: string;
  /**
   * Links (framing profiles) in points.yml, in order: a connection takes the first whose
   * registration rule accepts its first bytes (one port, mixed fleets).
   */
  readonly links: readonly string[];
}

export interface SessionLimits {
  /** Expected heartbeat period; one period without a heartbeat is one miss. */
  readonly heartbeatIntervalMs: number;
  /** Consecutive misses after which the session closes with `heartbeat_timeout` (default 3). */
  readonly heartbeatMaxMisses: number;
  /** A connection that has not registered within this time is closed. */
  readonly registrationTimeoutMs: number;
  /** Connections held at once across all listeners; more are refused. */
  readonly maxConnections: number;
  /** Bytes buffered per connection before the input is treated as garbage and dropped. */
  readonly maxInputBytes: number;
  /** First polls after registration are spread over this window (reconnect storms). */
  readonly connectStaggerMs: number;
  /**
   * Step of the shared scheduler (polls, response timeouts, heartbeat checks): jobs due
   * within one step share a wake-up. Resolved at load: `sessions.timerResolution`, or with
   * `auto` derived from the periods in the config (config/timer-resolution.ts).
   */
  readonly timerResolutionMs: number;
  /** True when `sessions.timerResolution` is `auto`, so the step above was derived. */
  readonly timerResolutionAuto: boolean;
}

export type StorageConfig = SqliteStorageConfig | MysqlStorageConfig;

export interface SqliteStorageConfig {
  readonly driver: 'sqlite';
  /** Path of the database file, relative paths resolved against the working directory. */
  readonly path: string;
  /** Page cache of the write connection (PRAGMA cache_size), bytes; the reader gets at most 8 MiB of it. */
  readonly cacheSizeBytes: number;
  /** Page size of a new database file (PRAGMA page_size), bytes; absent: the store's default (1 KiB). */
  readonly pageSizeBytes?: number;
}

export interface MysqlStorageConfig {
  readonly driver: 'mysql';
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** Must exist already: dtuhub creates tables, not databases (that needs more privileges). */
  readonly database: string;
  /** Connections in the pool; the writer uses one at a time, readers share the rest. */
  readonly poolSize: number;
  /** Encrypt the connection (certificate verified against the system CAs). */
  readonly tls: boolean;
  readonly spill: SpillConfig;
}

/** The local journal that takes batches while the database cannot (see storage/spill/). */
export interface SpillConfig {
  /** Directory of the journal files, relative paths resolved against the working directory. */
  readonly dir: string;
  /** Past this size new batches are dropped (and counted): the disk is bounded too. */
  readonly maxSizeBytes: number;
  /** A database write not done by then is journaled. */
  readonly writeTimeoutMs: number;
}

export interface WriteBufferConfig {
  /** Flush when this many rows are buffered. */
  readonly maxRows: number;
  /** Flush at least this often. */
  readonly flushIntervalMs: number;
  /** While the database is idle, flush this soon after the first row (≤ flushIntervalMs). */
  readonly idleFlushDelayMs: number;
  /** Rows held in memory, accepted but not yet stored; past it rows are dropped and counted. */
  readonly maxPendingRows: number;
}

export interface RetentionConfig {
  /** Age limits in milliseconds; 0 keeps forever. */
  readonly deviceDataMs: number;
  /** Rollup tiers (rollup_minute, rollup_hour): charts of long ranges read these. */
  readonly minuteRollupsMs: number;
  readonly hourRollupsMs: number;
  readonly heartbeatLogMs: number;
  readonly rawPacketsMs: number;
  readonly connectionHistoryMs: number;
  /** Hard cap on `raw_packets` rows (oldest deleted first) so it cannot fill the disk. */
  readonly rawPacketsMaxRows: number;
  /** Which raw packets are recorded at all. */
  readonly recordRawPackets: 'none' | 'errors' | 'all';
  /** Cap on the packet bytes `raw_packets` holds (oldest deleted first); 0: none. */
  readonly rawPacketsMaxBytes: number;
  /** Bytes kept of one recorded packet: a longer one is stored as its first bytes and its length. */
  readonly rawPacketMaxBytes: number;
  /** Per connection: packet bytes recorded per minute, past which packets are only counted (0: no limit). */
  readonly rawPacketBytesPerMinute: number;
  /** How often the retention sweep runs. */
  readonly sweepIntervalMs: number;
}

export interface LoggingConfig {
  readonly level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  readonly pretty: boolean;
}

// ---------------------------------------------------------------- points.yml

/**
 * transparent: RTU frames as is; typed: [type][length][payload] messages; unsolicited: the
 * DTU pushes RTU responses; mbap: a DTU in "Modbus TCP" mode converts between MBAP and RTU
 * itself, so requests go out as MBAP ADUs on the connection it opened.
 */
export type Framing = 'transparent' | 'typed' | 'unsolicited' | 'mbap';

/** How a DTU announces itself and frames its bytes; referenced by listeners. */
export interface LinkConfig {
  readonly name: string;
  readonly framing: Framing;
  readonly registration: RegistrationRule;
  /** Heartbeat used until the device profile is known (and when it has none). */
  readonly heartbeat: HeartbeatRule | null;
  readonly unknownIds: 'accept' | 'reject';
  readonly duplicateIds: 'replace' | 'reject';
  /** Typed framing only: the message type bytes and 1-byte acks. */
  readonly typed: TypedFramingConfig | null;
}

export type RegistrationRule = AsciiRegistration | HexRegistration | IntegerRegistration;

interface RegistrationBase {
  /** `once`: sent once after connect; `every-packet`: also prefixed to every packet. */
  readonly mode: 'once' | 'every-packet';
}

/** `registration.quietGap` by default: longer than the pauses inside one cellular registration. */
export const DEFAULT_QUIET_GAP_MS = 1000;

export interface AsciiRegistration extends RegistrationBase {
  readonly type: 'ascii';
  /** Longest accepted ID in bytes (default 40). */
  readonly maxLength: number;
  /** Shortest accepted ID in bytes (absent: 1). */
  readonly minLength?: number;
  /**
   * An ID whose end nothing marks (no length, terminator or closed pattern) is complete
   * after the line has been quiet this long (absent: DEFAULT_QUIET_GAP_MS).
   */
  readonly quietGapMs?: number;
  /** Exact length in bytes, when the DTU always sends a fixed-length ID. */
  readonly length: number | null;
  /** Regex over the packet text; capture group 1 is the ID. */
  readonly pattern: RegExp | null;
  /** Byte sequence that ends the registration (e.g. "\r\n"), not part of the ID. */
  readonly terminator: Buffer | null;
}

export interface HexRegistration extends RegistrationBase {
  readonly type: 'hex';
  /** Exact length in bytes of the ID (after `prefix`). */
  readonly length: number;
  /** Bytes that must precede the ID (e.g. a header), not part of the ID. */
  readonly prefix: Buffer | null;
}

export interface IntegerRegistration extends RegistrationBase {
  readonly type: 'integer';
  /** 2, 4 or 8 bytes; the ID is stored as the decimal string (e.g. `7001`). */
  readonly bytes: 2 | 4 | 8;
  readonly endian: 'big' | 'little';
  /**
   * Smallest and largest accepted ID (absent: no bound): the rest of the number space is
   * junk. Numbers, not bigints, so the config stays JSON (`GET /api/config`).
   */
  readonly min?: number;
  readonly max?: number;
}

export interface HeartbeatRule {
  /** Byte pattern of one heartbeat (from `ascii:` or `hex:` in YAML). */
  readonly pattern: Buffer;
  /** Bytes sent back on each heartbeat, or null. */
  readonly reply: Buffer | null;
}

export interface TypedFramingConfig {
  readonly heartbeatType: number; // 0x02
  readonly dataType: number; // 0x03
  readonly modbusType: number; // 0x04
  /** 1-byte acks sent for a registration, heartbeat and data message (null: none). */
  readonly ackRegistration: number | null;
  readonly ackHeartbeat: number | null;
  readonly ackData: number | null;
}

export interface ModbusTiming {
  /** Time to wait for a response; cellular links need seconds, not 1 s. */
  readonly responseTimeoutMs: number;
  /** Retries after a timeout or bad frame before the transaction fails. */
  readonly retries: number;
  /** Gap between the end of one transaction and the next request (slow RTU devices). */
  readonly interRequestDelayMs: number;
  /** After a timeout, the line must be quiet this long before the next request. */
  readonly quietAfterTimeoutMs: number;
  /** Merge two read ranges when the gap between them is at most this many registers. */
  readonly maxReadGap: number;
  /** Backoff for a slave that keeps failing: first delay, doubling, capped. */
  readonly backoffAfterFailures: number;
  readonly backoffInitialMs: number;
  readonly backoffMaxMs: number;
}

export type Schedule =
  | { readonly kind: 'interval'; readonly everyMs: number }
  | { readonly kind: 'heartbeat' }
  | { readonly kind: 'connect' };

/** One Modbus read request compiled from tasks and points. */
export interface ReadBlock {
  readonly slave: number;
  readonly fn: ReadFunction;
  readonly address: number;
  /** Registers (fn 3/4, ≤125) or bits (fn 1/2, ≤2000). */
  readonly quantity: number;
  /** Points decoded from this block's response. */
  readonly points: readonly PointDef[];
}

/** One DL/T 645 read: one data identifier of one meter (a meter answers one identifier a request). */
export interface MeterRead {
  readonly slave: number;
  readonly meter: MeterConfig;
  /** A point with `identifier` set. */
  readonly point: PointDef;
}

export interface TaskPlan {
  readonly name: string;
  readonly schedule: Schedule;
  readonly blocks: readonly ReadBlock[];
  /** DL/T 645 reads of the task, in point order; absent or empty for a Modbus-only task. */
  readonly meterReads?: readonly MeterRead[];
}

/** A DL/T 645 electricity meter on the bus (a slave with `protocol: dlt645-2007 | dlt645-1997`). */
export interface MeterConfig {
  readonly version: '2007' | '1997';
  /**
   * 12 digits as printed on the nameplate; null: `discover`, the address is read at run
   * time with the 2007 read-address command, which only works when the meter is alone on the bus.
   */
  readonly address: string | null;
}

export interface SlaveConfig {
  /** The Modbus slave address; for a meter only the number its points and tasks name it by. */
  readonly id: number;
  readonly name: string;
  /** Set for a DL/T 645 meter; absent for a Modbus slave. */
  readonly meter?: MeterConfig;
}

export interface DeviceProfile {
  readonly name: string;
  readonly description: string;
  /** Overrides the link's heartbeat rule once the device is identified. */
  readonly heartbeat: HeartbeatRule | null;
  readonly timing: ModbusTiming;
  readonly slaves: readonly SlaveConfig[];
  readonly points: readonly PointDef[];
  /** Read plan compiled once from tasks and points. */
  readonly tasks: readonly TaskPlan[];
  /** Run every interval task once right after registration, so a new DTU shows data at once. */
  readonly pollOnConnect: boolean;
}

export type DeviceMatch =
  | { readonly kind: 'id'; readonly id: string; readonly profile: string; readonly name: string | null }
  | { readonly kind: 'pattern'; readonly pattern: RegExp; readonly profile: string }
  | { readonly kind: 'default'; readonly profile: string };

export interface PointsConfig {
  readonly links: ReadonlyMap<string, LinkConfig>;
  readonly profiles: ReadonlyMap<string, DeviceProfile>;
  /** In order of precedence: exact IDs first, then patterns in file order, then the default. */
  readonly devices: readonly DeviceMatch[];
}

export interface DtuhubConfig {
  readonly configDir: string;
  readonly server: ServerConfig;
  readonly points: PointsConfig;
  /** rules.yml; absent (or no file) means no rules. */
  readonly rules?: RulesConfig;
}
