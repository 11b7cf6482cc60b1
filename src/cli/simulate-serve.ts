// `dtuhub simulate --serve MODE`: simulated devices that listen, for dtuhub's outbound
// outbound channels to connect to: Modbus TCP devices, or serial device servers and
// fixed-IP DTUs speaking raw RTU. Device i listens on the --listen port + i.
import type { AsciiRegistration, DeviceProfile, DtuhubConfig, LinkConfig } from '../domain/config.js';
import {
  simulatedId,
  startModbusTcpServer,
  startRtuOverTcpServer,
  type ListeningServer,
  type ServerCounters,
} from '../simulator/index.js';
import { portList, resolveProfile, runUntilStopped, type SimulateArgs, type SimulateLog } from './simulate-setup.js';

const STATS_EVERY_MS = 5_000;

/** IDs of devices without a link: ascii, as the fleet's default link would give them. */
const ASCII_IDS: AsciiRegistration = {
  type: 'ascii',
  mode: 'once',
  maxLength: 40,
  length: null,
  pattern: null,
  terminator: null,
};

/** Exit code: 0 done, 1 a port could not be opened, 2 bad arguments. */
export async function runServe(args: SimulateArgs, config: DtuhubConfig, log: SimulateLog): Promise<number> {
  const mode = args.serve!;
  const listen = args.listen!;
  let link: LinkConfig | null = null;
  let profile: DeviceProfile;
  try {
    if (args.link !== null) {
      if (mode !== 'rtu-over-tcp') throw new Error('--link applies to --serve rtu-over-tcp (fixed-IP DTUs)');
      link = config.points.links.get(args.link) ?? null;
      if (!link) throw new Error(`unknown link "${args.link}"; known: ${[...config.points.links.keys()].join(', ')}`);
    }
    if (listen.port !== 0 && listen.port + args.devices - 1 > 65535) {
      throw new Error(`--devices ${args.devices} from port ${listen.port} runs past port 65535`);
    }
    profile = resolveProfile(args, config);
  } catch (err) {
    log.error((err as Error).message);
    return 2;
  }
  const heartbeatIntervalMs = args.heartbeatIntervalMs ?? config.server.sessions.heartbeatIntervalMs;
  const servers: ListeningServer[] = [];
  try {
    for (let i = 0; i < args.devices; i++) {
      const id = simulatedId(link?.registration ?? ASCII_IDS, args.startId + i, args.idPrefix, args.idWidth);
      const common = {
        host: listen.host,
        port: listen.port === 0 ? 0 : listen.port + i,
        id,
        profile,
        responseDelayMs: args.responseDelayMs,
      };
      servers.push(
        mode === 'modbus-tcp'
          ? await startModbusTcpServer({ ...common, unknownUnit: args.unknownUnit })
          : await startRtuOverTcpServer({ ...common, link, heartbeatIntervalMs }),
      );
    }
  } catch (err) {
    log.error(`cannot listen: ${(err as Error).message}`);
    await Promise.all(servers.map((s) => s.close()));
    return 1;
  }
  const ports = servers.map((s) => s.port);
  const what =
    mode === 'modbus-tcp'
      ? 'Modbus TCP device(s)'
      : link
        ? `fixed-IP DTU(s) on link ${link.name}`
        : 'serial device server(s)';
  log.info(
    `serving ${args.devices} ${what} with profile ${profile.name} (slaves ${servers[0]!.slaves.join(', ')}) ` +
      `on ${listen.host} port${ports.length > 1 ? 's' : ''} ${portList(ports)}`,
  );
  const ticker = setInterval(() => log.info(serveStatsLine(servers)), STATS_EVERY_MS);
  const reason = await runUntilStopped(args.durationMs);
  clearInterval(ticker);
  await Promise.all(servers.map((s) => s.close()));
  log.info(`stopped (${reason}): ${serveStatsLine(servers)}`);
  return 0;
}

export function serveStatsLine(servers: readonly ListeningServer[]): string {
  const sum = (key: keyof ServerCounters): number => servers.reduce((total, s) => total + s.counters[key], 0);
  const open = servers.reduce((total, s) => total + s.connections, 0);
  return (
    `devices ${servers.length} open ${open} accepted ${sum('connections')} requests ${sum('requests')} ` +
    `responses ${sum('responses')} exceptions ${sum('exceptions')} ignored ${sum('ignored')} ` +
    `bad-crc ${sum('badCrc')} bad-headers ${sum('badHeaders')} heartbeats ${sum('heartbeats')} ` +
    `in ${sum('bytesIn')}B out ${sum('bytesOut')}B`
  );
}
