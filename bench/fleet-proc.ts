// Child process running the simulated DTU fleet for the benchmark: `count` DTUs speaking
// the bench link and serving the bench profile, connected to 127.0.0.1:PORT.
//
//   node dist/bench/fleet-proc.js --config DIR --port PORT --count N --heartbeat MS --connect-rate R
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/load.js';
import { createLogger } from '../src/log.js';
import { startFleet, type FleetStats } from '../src/simulator/index.js';
import { benchDtuId, LINK_NAME, PROFILE_NAME } from './bench-config.js';
import { announceReady, serveRequests } from './child-rpc.js';
import { sampleProcess, type ProcessSample } from './process-sample.js';

export interface FleetSnapshot {
  readonly process: ProcessSample;
  readonly fleet: FleetStats;
}

const { values } = parseArgs({
  options: {
    config: { type: 'string' },
    port: { type: 'string' },
    count: { type: 'string' },
    heartbeat: { type: 'string', default: '30000' },
    'connect-rate': { type: 'string', default: '1000' },
  },
});
if (!values.config || !values.port || !values.count) throw new Error('--config, --port and --count are required');

const config = loadConfig(values.config);
const link = config.points.links.get(LINK_NAME);
const profile = config.points.profiles.get(PROFILE_NAME);
if (!link || !profile) throw new Error(`bench config lacks link ${LINK_NAME} or profile ${PROFILE_NAME}`);

const startedAt = Date.now();
const fleet = await startFleet({
  count: Number(values.count),
  idFor: benchDtuId,
  target: { host: '127.0.0.1', port: Number(values.port) },
  link,
  profile,
  heartbeatIntervalMs: Number(values.heartbeat),
  connectRate: Number(values['connect-rate']),
  reconnect: false,
  log: createLogger({ level: 'warn', pretty: false }, process.stderr),
});

serveRequests(
  {
    snapshot: (): FleetSnapshot => ({ process: sampleProcess(), fleet: fleet.stats() }),
  },
  () => fleet.stop(),
);

announceReady({ stats: fleet.stats(), rampMs: Date.now() - startedAt });
