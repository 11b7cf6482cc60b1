// Child process running the Modbus TCP devices of scenario 8: `count` simulator servers
// (src/simulator's Modbus TCP server mode) on 127.0.0.1, port 0 each, serving the bench
// profile's registers. Both clients of the scenario — dtuhub's channels and the
// modbus-serial peer — poll these same processes, so the device side is identical.
//
//   node dist/bench/modbus-tcp-servers-proc.js --config DIR --count N
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/load.js';
import { startModbusTcpServer, type ModbusTcpServer } from '../src/simulator/index.js';
import { benchDtuId, PROFILE_NAME } from './bench-config.js';
import { announceReady, serveRequests } from './child-rpc.js';
import { sampleProcess, type ProcessSample } from './process-sample.js';

export interface ModbusTcpServersSnapshot {
  readonly process: ProcessSample;
  readonly connections: number;
  readonly requests: number;
  readonly responses: number;
}

const { values } = parseArgs({ options: { config: { type: 'string' }, count: { type: 'string', default: '1' } } });
if (!values.config) throw new Error('--config DIR is required');
const profile = loadConfig(values.config).points.profiles.get(PROFILE_NAME);
if (!profile) throw new Error(`bench config lacks profile ${PROFILE_NAME}`);

const servers: ModbusTcpServer[] = [];
for (let i = 0; i < Number(values.count); i++) {
  const id = benchDtuId(i);
  servers.push(await startModbusTcpServer({ id, profile }));
}

serveRequests(
  {
    snapshot: (): ModbusTcpServersSnapshot => {
      let connections = 0;
      let requests = 0;
      let responses = 0;
      for (const s of servers) {
        connections += s.connections;
        requests += s.counters.requests;
        responses += s.counters.responses;
      }
      return { process: sampleProcess(), connections, requests, responses };
    },
  },
  async () => {
    await Promise.all(servers.map((s) => s.close()));
  },
);

announceReady({ ports: servers.map((s) => s.port) });
