// `dtuhub simulate`: a fleet of simulated DTUs pointed at a dtuhub listener, speaking the
// link and serving the profile from the same config directory the server reads; or, with
// --serve, simulated devices that listen for dtuhub to connect out to them
// (simulate-serve.ts).
import { parseArgs } from 'node:util';
import type { DeviceProfile, DtuhubConfig, LinkConfig } from '../domain/config.js';
import { ConfigError, formatConfigIssue } from '../config/errors.js';
import { loadConfig } from '../config/load.js';
import { parseDuration } from '../config/units.js';
import { simulatedId, SimulatorFleet, type FleetStats, type TargetAddress } from '../simulator/index.js';
import { runServe } from './simulate-serve.js';
import { runServeMc } from './simulate-serve-mc.js';
import {
  resolveProfile,
  runUntilStopped,
  SERVE_MODES,
  type ServeMode,
  type SimulateArgs,
  type SimulateLog,
} from './simulate-setup.js';

export type { SimulateArgs, SimulateLog } from './simulate-setup.js';

export const SIMULATE_USAGE = `usage: dtuhub simulate [options]
  --devices N              simulated DTUs (default 1)
  --target host:port       dtuhub listener (default: the listener using --link)
  --config-dir DIR         config directory with server.yml and points.yml (default ./config)
  --link NAME              link (framing) from points.yml (default: first listener's)
  --profile NAME           profile the slaves serve (default: the devices' default)
  --id-prefix DTU          ascii IDs: prefix (default DTU)
  --start-id 1001          first ID number (default 1001)
  --id-width 5             ascii IDs: digits, zero padded (default 5 → DTU01001)
  --heartbeat-interval 30s heartbeat period (default: sessions.heartbeatInterval)
  --response-delay 50ms    delay before each answer (default 0)
  --push-interval 5s       unsolicited links: push period (default 5s)
  --duration 60s           stop after this long (default: until Ctrl-C)
  --connect-rate 500       new connections per second (default 500)
  --no-reconnect           do not reconnect dropped connections
server modes (dtuhub connects out to the simulated devices):
  --serve MODE             modbus-tcp (Modbus TCP devices), rtu-over-tcp (serial device
                           servers; with --link, fixed-IP DTUs that register and heartbeat)
                           or mc (Mitsubishi CPUs, MC protocol 3E frame)
  --listen host:port       first device's address; --devices N listens on port..port+N-1
                           (port 0: each device gets a free port, printed at start)
  --unknown-unit MODE      modbus-tcp: silent (default) or gateway-exception (answers 0x0B)
  --channel NAME           mc: the server.yml mc channel whose frame code (binary, ascii) and
                           tags to serve, with moving values (default: binary, zeroed memory)`;

const STATS_EVERY_MS = 5_000;

/** Exit code: 0 done, 1 config or connection failure, 2 bad arguments. */
export async function runSimulate(
  argv: string[],
  log: SimulateLog,
  load: (configDir: string) => DtuhubConfig = loadConfig,
): Promise<number> {
  let args: SimulateArgs;
  try {
    args = parseSimulateArgs(argv);
  } catch (err) {
    log.error(`${(err as Error).message}\n${SIMULATE_USAGE}`);
    return 2;
  }
  let config: DtuhubConfig;
  try {
    config = load(args.configDir);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    log.error(err.issues.map(formatConfigIssue).join('\n'));
    return 1;
  }
  if (args.serve === 'mc') return runServeMc(args, config, log);
  if (args.serve) return runServe(args, config, log);
  let setup: FleetSetup;
  try {
    setup = resolveSetup(args, config);
  } catch (err) {
    log.error((err as Error).message);
    return 2;
  }
  return runFleet(args, setup, log);
}

export function parseSimulateArgs(argv: string[]): SimulateArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      devices: { type: 'string', default: '1' },
      target: { type: 'string' },
      'config-dir': { type: 'string', default: 'config' },
      link: { type: 'string' },
      profile: { type: 'string' },
      'id-prefix': { type: 'string', default: 'DTU' },
      'start-id': { type: 'string', default: '1001' },
      'id-width': { type: 'string', default: '5' },
      'heartbeat-interval': { type: 'string' },
      'response-delay': { type: 'string', default: '0' },
      'push-interval': { type: 'string', default: '5s' },
      duration: { type: 'string' },
      'connect-rate': { type: 'string', default: '500' },
      'no-reconnect': { type: 'boolean', default: false },
      serve: { type: 'string' },
      listen: { type: 'string' },
      'unknown-unit': { type: 'string', default: 'silent' },
      channel: { type: 'string' },
    },
  });
  const serve = values.serve ?? null;
  if (serve !== null && !SERVE_MODES.includes(serve as ServeMode)) {
    throw new Error(`--serve must be one of ${SERVE_MODES.join(', ')}, got "${serve}"`);
  }
  if (serve !== null && values.listen === undefined) throw new Error('--serve needs --listen host:port');
  if (serve === null && values.listen !== undefined) throw new Error('--listen needs --serve MODE');
  if (serve !== null && values.target !== undefined)
    throw new Error('--target connects out; with --serve the simulator listens (--listen)');
  if (values.channel !== undefined && serve !== 'mc') throw new Error('--channel applies to --serve mc');
  const unknownUnit = values['unknown-unit'];
  if (unknownUnit !== 'silent' && unknownUnit !== 'gateway-exception') {
    throw new Error(`--unknown-unit must be silent or gateway-exception, got "${unknownUnit}"`);
  }
  return {
    devices: integer(values.devices, '--devices', 1),
    target: values.target === undefined ? null : parseAddress(values.target, '--target', 1),
    configDir: values['config-dir'],
    link: values.link ?? null,
    profile: values.profile ?? null,
    idPrefix: values['id-prefix'],
    startId: integer(values['start-id'], '--start-id', 0),
    idWidth: integer(values['id-width'], '--id-width', 0),
    heartbeatIntervalMs:
      values['heartbeat-interval'] === undefined
        ? null
        : duration(values['heartbeat-interval'], '--heartbeat-interval'),
    responseDelayMs: duration(values['response-delay'], '--response-delay'),
    pushIntervalMs: duration(values['push-interval'], '--push-interval'),
    durationMs: values.duration === undefined ? null : duration(values.duration, '--duration'),
    connectRate: integer(values['connect-rate'], '--connect-rate', 1),
    reconnect: !values['no-reconnect'],
    serve: serve as ServeMode | null,
    listen: values.listen === undefined ? null : parseAddress(values.listen, '--listen', 0),
    unknownUnit,
    channel: values.channel ?? null,
  };
}

interface FleetSetup {
  readonly link: LinkConfig;
  readonly profile: DeviceProfile;
  readonly target: TargetAddress;
  readonly heartbeatIntervalMs: number;
}

/** Picks link, profile and target from the config where the arguments leave them open. */
export function resolveSetup(args: SimulateArgs, config: DtuhubConfig): FleetSetup {
  const { points, server } = config;
  const listener = args.link ? server.listeners.find((l) => l.link === args.link) : server.listeners[0];
  const linkName = args.link ?? listener?.link;
  const link = linkName === undefined ? undefined : points.links.get(linkName);
  if (!link) throw new Error(`unknown link "${linkName ?? ''}"; known: ${[...points.links.keys()].join(', ')}`);
  const profile = resolveProfile(args, config);
  let target = args.target;
  if (!target) {
    if (!listener) throw new Error(`no listener uses link "${link.name}"; give --target host:port`);
    // A listener bound to every interface is reached on loopback.
    const host = listener.host === '0.0.0.0' || listener.host === '::' ? '127.0.0.1' : listener.host;
    target = { host, port: listener.port };
  }
  return {
    link,
    profile,
    target,
    heartbeatIntervalMs: args.heartbeatIntervalMs ?? server.sessions.heartbeatIntervalMs,
  };
}

async function runFleet(args: SimulateArgs, setup: FleetSetup, log: SimulateLog): Promise<number> {
  const { link, profile, target } = setup;
  const fleet = new SimulatorFleet({
    count: args.devices,
    idFor: (i) => simulatedId(link.registration, args.startId + i, args.idPrefix, args.idWidth),
    target,
    link,
    profile,
    heartbeatIntervalMs: setup.heartbeatIntervalMs,
    responseDelayMs: args.responseDelayMs,
    pushIntervalMs: args.pushIntervalMs,
    connectRate: args.connectRate,
    reconnect: args.reconnect,
  });
  log.info(
    `simulating ${args.devices} DTU(s) on link ${link.name} (${link.framing}, ${link.registration.type} IDs) ` +
      `with profile ${profile.name} → ${target.host}:${target.port}`,
  );
  const ticker = setInterval(() => log.info(statsLine(fleet.stats())), STATS_EVERY_MS);
  const started = fleet.start();
  const reason = await runUntilStopped(args.durationMs);
  clearInterval(ticker);
  await fleet.stop();
  await started;
  const stats = fleet.stats();
  log.info(`stopped (${reason}): ${statsLine(stats)}`);
  return stats.failed === stats.devices && stats.devices > 0 ? 1 : 0;
}

export function statsLine(s: FleetStats): string {
  return (
    `devices ${s.devices} connected ${s.connected} failed ${s.failed} reconnects ${s.reconnects} ` +
    `requests ${s.requests} responses ${s.responses} exceptions ${s.exceptions} bad-crc ${s.badCrc} ` +
    `heartbeats ${s.heartbeats} pushes ${s.pushes} in ${s.bytesIn}B out ${s.bytesOut}B`
  );
}

function parseAddress(text: string, flag: string, minPort: 0 | 1): TargetAddress {
  const match = /^(.+):(\d{1,5})$/.exec(text);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port < minPort || port > 65535) throw new Error(`${flag} must be host:port, got "${text}"`);
  return { host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port };
}

function integer(text: string, flag: string, min: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min) {
    throw new Error(`${flag} must be a whole number ≥ ${min}, got "${text}"`);
  }
  return value;
}

function duration(text: string, flag: string): number {
  const ms = parseDuration(text);
  if (ms === null) throw new Error(`${flag} must be a duration such as 500ms, 30s or 2m, got "${text}"`);
  return ms;
}
