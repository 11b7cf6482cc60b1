// Child process running scenario 8's peer: the Modbus TCP client a Node user writes today
// with modbus-serial. One `ModbusRTU` client per device (`connectTCP`: MBAP framing),
// `inFlight` lanes per client, lane j reading block j (readHoldingRegisters(2000 + 100·j,
// 100)) every period, skipped while its previous read is outstanding — the schedule
// dtuhub's poller keeps — and decoding the 50 points into the same Sample records, which
// are counted and dropped (nothing is stored).
//
//   node dist/bench/modbus-tcp-peer-proc.js --ports P1,P2,… --period MS --in-flight K
import { parseArgs } from 'node:util';
import modbusSerial from 'modbus-serial';
import { benchDtuId, SLAVE, TASK_ADDRESS, TASK_QUANTITY } from './bench-config.js';
import { announceReady, serveRequests } from './child-rpc.js';
import type { PeerSnapshot } from './peer-proc.js';
import { PeerStats } from './peer-stats.js';

// CommonJS package: at runtime the default import is module.exports, the client class.
const ModbusRTU = modbusSerial as unknown as typeof modbusSerial.default;
type Client = InstanceType<typeof ModbusRTU>;

/** Same response timeout as the bench profile. */
const RESPONSE_TIMEOUT_MS = 3000;

const { values } = parseArgs({
  options: {
    ports: { type: 'string' },
    period: { type: 'string', default: '1' },
    'in-flight': { type: 'string', default: '1' },
  },
});
if (!values.ports) throw new Error('--ports is required');
const ports = values.ports.split(',').map(Number);
const periodMs = Number(values.period);
const inFlight = Number(values['in-flight']);

const stats = new PeerStats();
const timers = new Set<NodeJS.Timeout>();
const clients: Client[] = [];

function lane(client: Client, deviceId: string, block: number): void {
  const address = TASK_ADDRESS + block * TASK_QUANTITY;
  const poll = stats.poller(deviceId, () => client.readHoldingRegisters(address, TASK_QUANTITY));
  // Spread first polls over one period, as dtuhub's devices are.
  const first = setTimeout(
    () => {
      timers.delete(first);
      poll();
      timers.add(setInterval(poll, periodMs));
    },
    Math.floor(Math.random() * periodMs),
  );
  timers.add(first);
}

for (const [i, port] of ports.entries()) {
  const client = new ModbusRTU();
  await client.connectTCP('127.0.0.1', { port });
  client.setID(SLAVE);
  client.setTimeout(RESPONSE_TIMEOUT_MS);
  stats.counters.connections++;
  clients.push(client);
  for (let block = 0; block < inFlight; block++) lane(client, benchDtuId(i), block);
}

serveRequests(
  {
    snapshot: (args: unknown): PeerSnapshot => stats.snapshot(args),
    'start-window': () => stats.startWindow(),
  },
  async () => {
    for (const timer of timers) clearTimeout(timer);
    await Promise.all(clients.map((c) => new Promise<void>((resolve) => c.close(() => resolve()))));
  },
);

announceReady({ pid: process.pid });
