// server.yml → ServerConfig, defaults filled in, plus the checks that need more than one
// field: duplicate listener names and ports.
import type { ListenerConfig, ServerConfig, StorageConfig, WebConfig } from '../domain/config.js';
import type { SessionDraft } from './timer-resolution.js';
import {
  DEFAULT_LISTENER_HOST,
  DEFAULT_LOGGING,
  DEFAULT_MYSQL,
  DEFAULT_RETENTION,
  DEFAULT_SESSIONS,
  DEFAULT_SPILL,
  DEFAULT_STORAGE,
  DEFAULT_WEB,
  DEFAULT_WRITE_BUFFER,
  defaultMaxPendingRows,
} from './defaults.js';
import { compileChannels, type LocatedChannel } from './compile-channels.js';
import { durationField } from './durations.js';
import { asList, asMap, bool, has, int, intIn, oneOf, str, type RawMap } from './raw.js';
import { parseDataSize, parseDuration } from './units.js';
import type { IssueSink } from './yaml-source.js';

/** The scheduler may coalesce jobs this far at most: beyond it, timeouts and polls drift visibly. */
const MAX_TIMER_RESOLUTION_MS = 1000;

/** `sessions.timerResolution`: `auto` (null) or a step of 1 ms to 1 s. */
function timerResolutionField(sessions: RawMap, sink: IssueSink): number | null {
  const value = sessions['timerResolution'];
  if (value === undefined || value === 'auto') return null;
  // An unparsable value, or a whole number below 1, is already reported by the schema.
  const ms = parseDuration(value);
  if (ms === null || (typeof value === 'number' && value < 1)) return null;
  if (ms < 1 || ms > MAX_TIMER_RESOLUTION_MS) {
    sink.add(['sessions', 'timerResolution'], `must be auto or from 1ms to ${MAX_TIMER_RESOLUTION_MS / 1000}s`);
    return null;
  }
  return ms;
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
}

export function compileServer(raw: unknown, sink: IssueSink): CompiledServer {
  const root = asMap(raw);
  const listeners = compileListeners(root['listeners'], sink);
  const channels = compileChannels(root['channels'], new Set(listeners.map((l) => l.listener.name)), sink);
  const web = asMap(root['web']);
  const sessions = asMap(root['sessions']);
  const storage = asMap(root['storage']);
  const writeBuffer = asMap(root['writeBuffer']);
  const retention = asMap(root['retention']);
  const logging = asMap(root['logging']);
  const maxRows = int(writeBuffer, 'maxRows') ?? DEFAULT_WRITE_BUFFER.maxRows;
  const d = DEFAULT_SESSIONS;
  const r = DEFAULT_RETENTION;

  const server: ServerDraft = {
    listeners: listeners.map((l) => l.listener),
    channels: channels.map((c) => c.channel),
    web: compileWeb(web, sink),
    sessions: {
      heartbeatIntervalMs: durationField(sessions, 'heartbeatInterval', d.heartbeatIntervalMs, ['sessions'], sink, { positive: true }),
      heartbeatMaxMisses: int(sessions, 'heartbeatMaxMisses') ?? d.heartbeatMaxMisses,
      registrationTimeoutMs: durationField(sessions, 'registrationTimeout', d.registrationTimeoutMs, ['sessions'], sink, { positive: true }),
      maxConnections: int(sessions, 'maxConnections') ?? d.maxConnections,
      maxInputBytes: int(sessions, 'maxInputBytes') ?? d.maxInputBytes,
      connectStaggerMs: durationField(sessions, 'connectStagger', d.connectStaggerMs, ['sessions'], sink),
      timerResolutionMs: timerResolutionField(sessions, sink),
    },
    storage: compileStorage(storage, sink),
    writeBuffer: {
      maxRows,
      flushIntervalMs: durationField(writeBuffer, 'flushInterval', DEFAULT_WRITE_BUFFER.flushIntervalMs, ['writeBuffer'], sink, {
        positive: true,
      }),
      idleFlushDelayMs: durationField(writeBuffer, 'idleFlushDelay', DEFAULT_WRITE_BUFFER.idleFlushDelayMs, ['writeBuffer'], sink),
      maxPendingRows: int(writeBuffer, 'maxPendingRows') ?? defaultMaxPendingRows(maxRows),
    },
    retention: {
      deviceDataMs: durationField(retention, 'deviceData', r.deviceDataMs, ['retention'], sink),
      heartbeatLogMs: durationField(retention, 'heartbeatLog', r.heartbeatLogMs, ['retention'], sink),
      rawPacketsMs: durationField(retention, 'rawPackets', r.rawPacketsMs, ['retention'], sink),
      connectionHistoryMs: durationField(retention, 'connectionHistory', r.connectionHistoryMs, ['retention'], sink),
      rawPacketsMaxRows: int(retention, 'rawPacketsMaxRows') ?? r.rawPacketsMaxRows,
      recordRawPackets: oneOf(retention, 'recordRawPackets', ['none', 'errors', 'all'] as const) ?? r.recordRawPackets,
      sweepIntervalMs: durationField(retention, 'sweepInterval', r.sweepIntervalMs, ['retention'], sink, { positive: true }),
    },
    logging: {
      level: oneOf(logging, 'level', ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const) ?? DEFAULT_LOGGING.level,
      pretty: bool(logging, 'pretty') ?? DEFAULT_LOGGING.pretty,
    },
  };
  checkPorts(server, listeners, sink);
  if (server.writeBuffer.maxPendingRows < server.writeBuffer.maxRows) {
    sink.add(['writeBuffer', 'maxPendingRows'], `must be at least writeBuffer.maxRows (${server.writeBuffer.maxRows})`);
  }
  return { server, listeners, channels };
}

function compileWeb(web: RawMap, sink: IssueSink): WebConfig {
  const admin = asMap(web['admin']);
  const lockout = asMap(web['lockout']);
  const live = asMap(web['live']);
  const d = DEFAULT_WEB;
  return {
    enabled: bool(web, 'enabled') ?? d.enabled,
    host: str(web, 'host') ?? d.host,
    port: intIn(web, 'port', 0, 65535) ?? d.port,
    admin: { username: str(admin, 'username') ?? d.adminUsername, password: str(admin, 'password') ?? null },
    sessionTtlMs: durationField(web, 'sessionTtl', d.sessionTtlMs, ['web'], sink, { positive: true }),
    secureCookies: bool(web, 'secureCookies') ?? d.secureCookies,
    lockout: {
      maxFailures: int(lockout, 'maxFailures') ?? d.lockout.maxFailures,
      durationMs: durationField(lockout, 'duration', d.lockout.durationMs, ['web', 'lockout'], sink, { positive: true }),
    },
    live: {
      keepAliveMs: durationField(live, 'keepAlive', d.live.keepAliveMs, ['web', 'live'], sink, { positive: true }),
      maxBufferedBytes: int(live, 'maxBufferedBytes') ?? d.live.maxBufferedBytes,
      unreachableAfter: int(live, 'unreachableAfter') ?? d.live.unreachableAfter,
    },
  };
}

const MYSQL_KEYS = ['host', 'port', 'user', 'password', 'database', 'poolSize', 'tls', 'spill'] as const;
const SQLITE_KEYS = ['path', 'cacheSize'] as const;

/** Each driver takes its own keys; one of the other driver's is reported, not ignored. */
function compileStorage(storage: RawMap, sink: IssueSink): StorageConfig {
  const driver = oneOf(storage, 'driver', ['sqlite', 'mysql'] as const) ?? DEFAULT_STORAGE.driver;
  if (driver === 'sqlite') {
    for (const key of MYSQL_KEYS) if (has(storage, key)) sink.add(['storage', key], 'applies only to driver: mysql');
    return { driver, path: str(storage, 'path') ?? DEFAULT_STORAGE.path, cacheSizeBytes: parseDataSize(storage['cacheSize']) ?? DEFAULT_STORAGE.cacheSizeBytes };
  }
  for (const key of SQLITE_KEYS) if (has(storage, key)) sink.add(['storage', key], 'applies only to driver: sqlite');
  for (const key of ['user', 'database'] as const) {
    if (!has(storage, key)) sink.add(['storage'], `driver: mysql needs storage.${key}`);
  }
  const spill = asMap(storage['spill']);
  const password = storage['password'];
  return {
    driver,
    host: str(storage, 'host') ?? DEFAULT_MYSQL.host,
    port: intIn(storage, 'port', 1, 65535) ?? DEFAULT_MYSQL.port,
    user: str(storage, 'user') ?? '',
    // A numeric password in YAML (123456) arrives as a number.
    password: typeof password === 'number' ? String(password) : (str(storage, 'password') ?? ''),
    database: str(storage, 'database') ?? '',
    poolSize: int(storage, 'poolSize') ?? DEFAULT_MYSQL.poolSize,
    tls: bool(storage, 'tls') ?? DEFAULT_MYSQL.tls,
    spill: {
      dir: str(spill, 'dir') ?? DEFAULT_SPILL.dir,
      maxSizeBytes: parseDataSize(spill['maxSize']) ?? DEFAULT_SPILL.maxSizeBytes,
      writeTimeoutMs: durationField(spill, 'writeTimeout', DEFAULT_SPILL.writeTimeoutMs, ['storage', 'spill'], sink, { positive: true }),
    },
  };
}

function compileListeners(raw: unknown, sink: IssueSink): LocatedListener[] {
  const out: LocatedListener[] = [];
  const names = new Map<string, number>();
  asList(raw).forEach((item, index) => {
    const m = asMap(item);
    const name = str(m, 'name');
    const port = intIn(m, 'port', 0, 65535);
    const link = str(m, 'link');
    if (name === undefined || port === undefined || link === undefined) return;
    const first = names.get(name);
    if (first !== undefined) {
      sink.add(['listeners', index, 'name'], `duplicate listener name "${name}" (first at line ${sink.lineOf(['listeners', first])})`);
      return;
    }
    names.set(name, index);
    out.push({ listener: { name, host: str(m, 'host') ?? DEFAULT_LISTENER_HOST, port, link }, index });
  });
  return out;
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

/** Two sockets on one port collide when the hosts are equal or either is a wildcard. Port 0 is ephemeral. */
function checkPorts(server: ServerDraft, listeners: readonly LocatedListener[], sink: IssueSink): void {
  const taken: { host: string; port: number; what: string }[] = [
    { host: server.web.host, port: server.web.port, what: 'the web server' },
  ];
  for (const { listener, index } of listeners) {
    if (listener.port === 0) continue;
    const clash = taken.find(
      (t) => t.port === listener.port && (t.host === listener.host || WILDCARD_HOSTS.has(t.host) || WILDCARD_HOSTS.has(listener.host)),
    );
    if (clash) sink.add(['listeners', index, 'port'], `port ${listener.port} is already used by ${clash.what}`);
    else taken.push({ host: listener.host, port: listener.port, what: `listener "${listener.name}"` });
  }
}
