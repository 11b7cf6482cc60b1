// `dtuhub simulate --serve mc`: simulated Mitsubishi CPUs (MC protocol, 3E frame) for an
// `mc` channel to connect to. With --channel NAME (an `mc` channel of server.yml), each
// CPU speaks that channel's frame code and serves its tags with moving values; without, a
// binary port over zeroed memory. CPU i listens on the --listen port + i.
import type { McChannelConfig } from '../domain/channels.js';
import type { DtuhubConfig } from '../domain/config.js';
import { startMcServer, type McServer } from '../simulator/mc/mc-server.js';
import { writeTagValues } from '../simulator/mc/mc-tag-values.js';
import { portList, runUntilStopped, type SimulateArgs, type SimulateLog } from './simulate-setup.js';

const STATS_EVERY_MS = 5_000;
/** How often the tag values move: often enough for a channel polling every second. */
const TAGS_EVERY_MS = 500;

/** The `mc` channel named by --channel; null without one. */
function mcChannel(args: SimulateArgs, config: DtuhubConfig): McChannelConfig | null {
  if (args.channel === null) return null;
  const mc = config.server.channels.filter((c): c is McChannelConfig => c.type === 'mc');
  const channel = mc.find((c) => c.name === args.channel);
  if (!channel) {
    const known = mc.map((c) => c.name).join(', ') || 'none in server.yml';
    throw new Error(`--channel "${args.channel}" is not an mc channel; mc channels: ${known}`);
  }
  return channel;
}

/** Exit code: 0 done, 1 a port could not be opened, 2 bad arguments. */
export async function runServeMc(args: SimulateArgs, config: DtuhubConfig, log: SimulateLog): Promise<number> {
  const listen = args.listen!;
  let channel: McChannelConfig | null;
  try {
    if (args.link !== null) throw new Error('--link applies to --serve rtu-over-tcp (fixed-IP DTUs)');
    channel = mcChannel(args, config);
    if (listen.port !== 0 && listen.port + args.devices - 1 > 65535)
      throw new Error(`--devices ${args.devices} from port ${listen.port} runs past port 65535`);
  } catch (err) {
    log.error((err as Error).message);
    return 2;
  }
  const code = channel?.frame ?? 'binary';
  const tags = channel?.tags ?? [];
  const servers: McServer[] = [];
  try {
    for (let i = 0; i < args.devices; i++) {
      const port = listen.port === 0 ? 0 : listen.port + i;
      servers.push(await startMcServer({ host: listen.host, port, code }));
    }
  } catch (err) {
    log.error(`cannot listen: ${(err as Error).message}`);
    await Promise.all(servers.map((s) => s.close()));
    return 1;
  }
  const animate = (): void => servers.forEach((s, i) => writeTagValues(s.memory, tags, Date.now(), i));
  animate();
  const ports = servers.map((s) => s.port);
  const serving = channel ? `the ${tags.length} tag(s) of channel ${channel.name}` : 'zeroed memory';
  log.info(
    `serving ${args.devices} MC (3E ${code}) CPU(s) with ${serving} ` +
      `on ${listen.host} port${ports.length > 1 ? 's' : ''} ${portList(ports)}`,
  );
  const mover = tags.length > 0 ? setInterval(animate, TAGS_EVERY_MS) : null;
  const ticker = setInterval(() => log.info(mcStatsLine(servers)), STATS_EVERY_MS);
  const reason = await runUntilStopped(args.durationMs);
  if (mover) clearInterval(mover);
  clearInterval(ticker);
  await Promise.all(servers.map((s) => s.close()));
  log.info(`stopped (${reason}): ${mcStatsLine(servers)}`);
  return 0;
}

function mcStatsLine(servers: readonly McServer[]): string {
  const sum = (key: keyof McServer['counters']): number => servers.reduce((n, s) => n + s.counters[key], 0);
  const open = servers.reduce((n, s) => n + s.connections, 0);
  return (
    `cpus ${servers.length} open ${open} accepted ${sum('connections')} requests ${sum('requests')} ` +
    `errors ${sum('errors')} bad-headers ${sum('badHeaders')}`
  );
}
