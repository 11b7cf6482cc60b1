// server.yml (checked, defaults filled in) → ServerConfig: durations and sizes converted,
// plus the checks that need more than one field: duplicate listener names and ports, keys
// of the other storage driver, the writeBuffer backlog cap.
import type {
  ListenerConfig,
  MetricsConfig,
  RetentionConfig,
  ServerConfig,
  SqliteStorageConfig,
  StorageConfig,
  WebConfig,
} from '../domain/config.js';
import { compileChannels, type LocatedChannel } from './compile-channels.js';
import { compileSinks, type LocatedSink } from './compile-sinks.js';
import { bytes, ms, positiveMs } from './durations.js';
import { SERVER_SCHEMA, type ListenerYaml, type ServerYaml, type StorageYaml } from './schema/server.schema.js';
import type { SessionDraft } from './timer-resolution.js';
import { defaultServerYaml } from './validate-schema.js';
import { IssueSink } from './yaml-source.js';

/** The scheduler may coalesce jobs this far at most: beyond it, timeouts and polls drift visibly. */
const MAX_TIMER_RESOLUTION_MS = 1000;

/** `sessions.timerResolution`: `auto` (null) or a step of 1 ms to 1 s. */
function timerResolutionField(value: ServerYaml['sessions']['timerResolution'], sink: IssueSink): number | null {
  if (value === 'auto') return null;
  const step = ms(value);
  if (step < 1 || step > MAX_TIMER_RESOLUTION_MS) {
    sink.add(['sessions', 'timerResolution'], `must be auto or from 1ms to ${MAX_TIMER_RESOLUTION_MS / 1000}s`);
    return null;
  }
  return step;
}

/** The backlog cap when not set: 20 batches, at least 100,000 rows: room for a slow commit, bounded memory. */
export function defaultMaxPendingRows(maxRows: number): number {
  return Math.max(20 * maxRows, 100_000);
}

/** A listener with the index it had in the file, for messages about it. */
export interface LocatedListener {
  readonly listener: ListenerConfig;
  readonly index: number;
}

/** ServerConfig before points.yml is known: the scheduler step is resolved in load.ts. */
export type ServerDraft = Omit<ServerConfig, 'sessions'> & { readonly sessions: SessionDraft };

export interface CompiledServer {
  readonly server: ServerDraft;
  readonly listeners: readonly LocatedListener[];
  readonly channels: readonly LocatedChannel[];
  readonly sinks: readonly LocatedSink[];
}

export function compileServer(raw: ServerYaml, sink: IssueSink): CompiledServer {
  const listeners = compileListeners(raw.listeners, sink);
  const channels = compileChannels(raw.channels, new Set(listeners.map((l) => l.listener.name)), sink);
  const sinks = compileSinks(raw.sinks, sink);
  const { sessions, writeBuffer: wb, retention } = raw;
  const defaults = SERVER_SCHEMA.properties;
  const positive = (
    section: 'sessions' | 'writeBuffer' | 'retention',
    key: string,
    value: string | number,
    fallback: unknown,
  ): number => positiveMs(value, fallback as string | number, [section, key], sink);

  const server: ServerDraft = {
    listeners: listeners.map((l) => l.listener),
    channels: channels.map((c) => c.channel),
    sinks: sinks.map((s) => s.sink),
    web: compileWeb(raw.web, sink),
    metrics: compileMetrics(raw.metrics, raw.web.enabled, sink),
    sessions: {
      heartbeatIntervalMs: positive(
        'sessions',
        'heartbeatInterval',
        sessions.heartbeatInterval,
        defaults.sessions.properties.heartbeatInterval.default,
      ),
      heartbeatMaxMisses: sessions.heartbeatMaxMisses,
      registrationTimeoutMs: positive(
        'sessions',
        'registrationTimeout',
        sessions.registrationTimeout,
        defaults.sessions.properties.registrationTimeout.default,
      ),
      maxConnections: sessions.maxConnections,
      maxInputBytes: sessions.maxInputBytes,
      connectStaggerMs: ms(sessions.connectStagger),
      timerResolutionMs: timerResolutionField(sessions.timerResolution, sink),
    },
    storage: compileStorage(raw.storage, sink),
    writeBuffer: {
      maxRows: wb.maxRows,
      flushIntervalMs: positive(
        'writeBuffer',
        'flushInterval',
        wb.flushInterval,
        defaults.writeBuffer.properties.flushInterval.default,
      ),
      idleFlushDelayMs: ms(wb.idleFlushDelay),
      maxPendingRows: wb.maxPendingRows ?? defaultMaxPendingRows(wb.maxRows),
    },
    retention: {
      deviceDataMs: ms(retention.deviceData),
      minuteRollupsMs: ms(retention.minuteRollups),
      hourRollupsMs: ms(retention.hourRollups),
      heartbeatLogMs: ms(retention.heartbeatLog),
      rawPacketsMs: ms(retention.rawPackets),
      connectionHistoryMs: ms(retention.connectionHistory),
      rawPacketsMaxRows: retention.rawPacketsMaxRows,
      recordRawPackets: retention.recordRawPackets,
      rawPacketsMaxBytes: bytes(retention.rawPacketsMaxBytes),
      rawPacketMaxBytes: retention.rawPacketMaxBytes,
      rawPacketBytesPerMinute: bytes(retention.rawPacketBytesPerMinute),
      sweepIntervalMs: positive(
        'retention',
        'sweepInterval',
        retention.sweepInterval,
        defaults.retention.properties.sweepInterval.default,
      ),
    },
    logging: { level: raw.logging.level, pretty: raw.logging.pretty },
  };
  checkPorts(server, listeners, sink);
  if (server.writeBuffer.maxPendingRows < server.writeBuffer.maxRows) {
    sink.add(['writeBuffer', 'maxPendingRows'], `must be at least writeBuffer.maxRows (${server.writeBuffer.maxRows})`);
  }
  return { server, listeners, channels, sinks };
}

function compileWeb(web: ServerYaml['web'], sink: IssueSink): WebConfig {
  const d = SERVER_SCHEMA.properties.web.properties;
  return {
    enabled: web.enabled,
    host: web.host,
    port: web.port,
    admin: { username: web.admin.username, password: web.admin.password ?? null },
    sessionTtlMs: positiveMs(web.sessionTtl, d.sessionTtl.default as string, ['web', 'sessionTtl'], sink),
    secureCookies: web.secureCookies,
    lockout: {
      maxFailures: web.lockout.maxFailures,
      durationMs: positiveMs(
        web.lockout.duration,
        d.lockout.properties.duration.default as string,
        ['web', 'lockout', 'duration'],
        sink,
      ),
    },
    live: {
      keepAliveMs: positiveMs(
        web.live.keepAlive,
        d.live.properties.keepAlive.default as string,
        ['web', 'live', 'keepAlive'],
        sink,
      ),
      maxBufferedBytes: web.live.maxBufferedBytes,
      unreachableAfter: web.live.unreachableAfter,
    },
  };
}

/** Metrics on the web port need the web server; asked for without either, that is a mistake worth naming. */
function compileMetrics(metrics: ServerYaml['metrics'], webEnabled: boolean, sink: IssueSink): MetricsConfig {
  const listen = metrics.listen ? { host: metrics.listen.host, port: metrics.listen.port } : null;
  if (metrics.enabled && !listen && !webEnabled && sink.written(['metrics', 'enabled'])) {
    sink.add(['metrics', 'enabled'], 'needs web.enabled: true, or metrics.listen for an address of their own');
  }
  return { enabled: metrics.enabled, token: metrics.token ?? null, listen };
}

const MYSQL_KEYS = ['host', 'port', 'user', 'password', 'database', 'poolSize', 'tls', 'spill'] as const;
const SQLITE_KEYS = ['path', 'cacheSize', 'pageSize'] as const;
/** SQLite's page sizes: powers of two from 512 B to 64 KiB. */
const PAGE_SIZES = [512, 1024, 2048, 4096, 8192, 16384, 32768, 65536];

/** Each driver takes its own keys; one of the other driver's is reported, not ignored. */
export function compileStorage(storage: StorageYaml, sink: IssueSink): StorageConfig {
  // The schema fills in both drivers' defaults: only keys written in the file count here.
  const written = (key: string): boolean => sink.written(['storage', key]);
  if (storage.driver === 'sqlite') {
    for (const key of MYSQL_KEYS) if (written(key)) sink.add(['storage', key], 'applies only to driver: mysql');
    const pageSizeBytes = bytes(storage.pageSize);
    if (!PAGE_SIZES.includes(pageSizeBytes)) {
      sink.add(['storage', 'pageSize'], 'must be 512B, 1KiB, 2KiB, 4KiB, 8KiB, 16KiB, 32KiB or 64KiB');
    }
    return { driver: 'sqlite', path: storage.path, cacheSizeBytes: bytes(storage.cacheSize), pageSizeBytes };
  }
  for (const key of SQLITE_KEYS) if (written(key)) sink.add(['storage', key], 'applies only to driver: sqlite');
  for (const key of ['user', 'database'] as const) {
    if (storage[key] === undefined) sink.add(['storage'], `driver: mysql needs storage.${key}`);
  }
  const { spill } = storage;
  return {
    driver: 'mysql',
    host: storage.host,
    port: storage.port,
    user: storage.user ?? '',
    password: String(storage.password),
    database: storage.database ?? '',
    poolSize: storage.poolSize,
    tls: storage.tls,
    spill: {
      dir: spill.dir,
      maxSizeBytes: bytes(spill.maxSize),
      writeTimeoutMs: positiveMs(
        spill.writeTimeout,
        SERVER_SCHEMA.properties.storage.properties.spill.properties.writeTimeout.default as string,
        ['storage', 'spill', 'writeTimeout'],
        sink,
      ),
    },
  };
}

function compileListeners(raw: readonly ListenerYaml[], sink: IssueSink): LocatedListener[] {
  const out: LocatedListener[] = [];
  const names = new Map<string, number>();
  // forEach: a rejected entry is a hole in the list (repair.ts), skipped here.
  raw.forEach(({ name, protocol, host, port, link }, index) => {
    const first = names.get(name);
    if (first !== undefined) {
      sink.add(
        ['listeners', index, 'name'],
        `duplicate listener name "${name}" (first at line ${sink.lineOf(['listeners', first])})`,
      );
      return;
    }
    names.set(name, index);
    const links = typeof link === 'string' ? [link] : link;
    out.push({ listener: { name, protocol, host, port, link: links[0]!, links }, index });
  });
  return out;
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

/** Two sockets on one port collide when the hosts are equal or either is a wildcard. Port 0 is ephemeral. */
function checkPorts(server: ServerDraft, listeners: readonly LocatedListener[], sink: IssueSink): void {
  const taken: { protocol: 'tcp' | 'udp'; host: string; port: number; what: string }[] = [
    { protocol: 'tcp', host: server.web.host, port: server.web.port, what: 'the web server' },
  ];
  const metrics = server.metrics.listen;
  if (server.metrics.enabled && metrics && metrics.port !== 0) {
    if (sameSocket(taken[0]!, 'tcp', metrics.host, metrics.port))
      sink.add(['metrics', 'listen', 'port'], `port ${metrics.port} is already used by the web server`);
    else taken.push({ protocol: 'tcp', host: metrics.host, port: metrics.port, what: 'the metrics listener' });
  }
  for (const { listener, index } of listeners) {
    if (listener.port === 0) continue;
    // A UDP and a TCP socket may share a port number.
    const clash = taken.find((t) => sameSocket(t, listener.protocol, listener.host, listener.port));
    if (clash) sink.add(['listeners', index, 'port'], `port ${listener.port} is already used by ${clash.what}`);
    else
      taken.push({
        protocol: listener.protocol,
        host: listener.host,
        port: listener.port,
        what: `listener "${listener.name}"`,
      });
  }
}

function sameSocket(
  t: { protocol: 'tcp' | 'udp'; host: string; port: number },
  protocol: 'tcp' | 'udp',
  host: string,
  port: number,
): boolean {
  return (
    t.protocol === protocol &&
    t.port === port &&
    (t.host === host || WILDCARD_HOSTS.has(t.host) || WILDCARD_HOSTS.has(host))
  );
}

/** The storage server.yml gets without a `storage:` block (SQLite), for tests and benchmarks. */
export function defaultStorage(): SqliteStorageConfig {
  const storage = compileStorage(defaultServerYaml().storage, new IssueSink('defaults', null, []));
  if (storage.driver !== 'sqlite') throw new Error('the default storage driver is not sqlite');
  return storage;
}

/**
 * Retention with every age and size limit off, so nothing is swept or trimmed: for tests and
 * benchmarks whose data reaches back past the default limits.
 */
export function retentionKeepingEverything(recordRawPackets: RetentionConfig['recordRawPackets']): RetentionConfig {
  return {
    deviceDataMs: 0,
    minuteRollupsMs: 0,
    hourRollupsMs: 0,
    heartbeatLogMs: 0,
    rawPacketsMs: 0,
    connectionHistoryMs: 0,
    rawPacketsMaxRows: 0,
    recordRawPackets,
    rawPacketsMaxBytes: 0,
    rawPacketMaxBytes: 256,
    rawPacketBytesPerMinute: 0,
    sweepIntervalMs: 3_600_000,
  };
}
