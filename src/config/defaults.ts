// Every default in one place; docs/CONFIG.md lists the same values. Chosen for cellular
// DTUs: round trips of seconds, slow RS-485 buses, thousands of devices reconnecting at once.
import type {
  LoggingConfig,
  ModbusTiming,
  RetentionConfig,
  TypedFramingConfig,
  WriteBufferConfig,
} from '../domain/config.js';
import type { ByteOrder } from '../domain/point.js';
import type { SessionDraft } from './timer-resolution.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const DEFAULT_LISTENER_HOST = '0.0.0.0';
export const DEFAULT_WEB = {
  enabled: true,
  host: '0.0.0.0',
  port: 8080,
  adminUsername: 'admin',
  sessionTtlMs: 12 * HOUR,
  secureCookies: false,
  lockout: { maxFailures: 5, durationMs: 15 * MINUTE },
  live: { keepAliveMs: 15 * SECOND, maxBufferedBytes: 1024 * 1024, unreachableAfter: 3 },
} as const;

export const DEFAULT_SESSIONS: SessionDraft = {
  heartbeatIntervalMs: 60 * SECOND,
  heartbeatMaxMisses: 3,
  registrationTimeoutMs: 30 * SECOND,
  maxConnections: 10_000,
  maxInputBytes: 4096,
  connectStaggerMs: 2 * SECOND,
  timerResolutionMs: null,
};

/**
 * 32 MiB of SQLite page cache per connection: native memory the process keeps once filled
 * (it was a fixed 64 MiB: 6.5 KiB of RSS per DTU at 10,000 DTUs). Every device appends to
 * its own leaf page; with 10,000 DTUs, 16 MiB held too few of them and commits slowed
 * (docs/BENCHMARKS.md, scenario 2), 32 MiB kept them quick.
 */
export const DEFAULT_STORAGE = { driver: 'sqlite', path: 'data/dtuhub.db', cacheSizeBytes: 32 * 2 ** 20 } as const;

export const DEFAULT_WRITE_BUFFER: Omit<WriteBufferConfig, 'maxPendingRows'> = { maxRows: 5000, flushIntervalMs: SECOND, idleFlushDelayMs: 20 };

/** The backlog cap: 20 batches, at least 100,000 rows: room for a slow commit, bounded memory. */
export function defaultMaxPendingRows(maxRows: number): number {
  return Math.max(20 * maxRows, 100_000);
}

export const DEFAULT_MYSQL = { host: '127.0.0.1', port: 3306, poolSize: 10, tls: false } as const;

export const DEFAULT_SPILL = { dir: 'data/spill', maxSizeBytes: 2 * 2 ** 30, writeTimeoutMs: 10 * SECOND } as const;

export const DEFAULT_RETENTION: RetentionConfig = {
  deviceDataMs: 365 * DAY,
  heartbeatLogMs: 7 * DAY,
  rawPacketsMs: 3 * DAY,
  connectionHistoryMs: 90 * DAY,
  rawPacketsMaxRows: 100_000,
  recordRawPackets: 'errors',
  sweepIntervalMs: HOUR,
};

export const DEFAULT_LOGGING: LoggingConfig = { level: 'info', pretty: false };

/** A 1 s timeout is the classic DTU mistake: cellular round trips alone can take seconds. */
export const DEFAULT_TIMING: ModbusTiming = {
  responseTimeoutMs: 3 * SECOND,
  retries: 1,
  interRequestDelayMs: 50,
  quietAfterTimeoutMs: 200,
  maxReadGap: 10,
  backoffAfterFailures: 3,
  backoffInitialMs: 5 * SECOND,
  backoffMaxMs: 5 * MINUTE,
};

export const DEFAULT_TYPED_FRAMING: TypedFramingConfig = {
  heartbeatType: 0x02,
  dataType: 0x03,
  modbusType: 0x04,
  ackRegistration: 0x01,
  ackHeartbeat: 0x02,
  ackData: 0x03,
};

export const DEFAULT_ASCII_MAX_LENGTH = 40;
export const DEFAULT_INTEGER_ID = { bytes: 4, endian: 'big' } as const;
export const DEFAULT_FUNCTION = 3;
export const DEFAULT_ORDER: ByteOrder = 'ABCD';
export const DEFAULT_SLAVE = { id: 1, name: 'slave 1' } as const;
export const DEFAULT_POLL_ON_CONNECT = true;

/** Outbound channels (server.yml `channels:`): reconnect 1 s doubling to 5 min, as most peers do. */
export const DEFAULT_CHANNEL = {
  backoff: { initialMs: SECOND, maxMs: 5 * MINUTE },
  connectTimeoutMs: 10 * SECOND,
  maxInFlight: 1,
  mqtt: { qos: 1, cleanSession: false, keepaliveSeconds: 60, maxPayloadBytes: 256 * 1024 },
  http: { method: 'GET', everyMs: 30 * SECOND, timeoutMs: 10 * SECOND },
  opcua: {
    securityMode: 'None',
    securityPolicy: 'None',
    pkiDir: 'data/pki',
    acceptUnknownServerCertificate: false,
    publishingIntervalMs: SECOND,
    samplingIntervalMs: SECOND,
  },
} as const;
