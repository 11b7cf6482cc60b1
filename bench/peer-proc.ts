// Child process running the peer for the comparison: what a Node user builds today with
// `modbus-serial`. A plain net.Server accepts the DTUs, reads the first packet as the
// registration ID, then hands the socket to modbus-serial's RTU-over-TCP port
// (`linkTelnet`: raw RTU frames on the socket, no MBAP header) and polls
// readHoldingRegisters(2000, 100) every period per DTU, decoding the same 50 points into
// the same Sample records. Samples are counted and dropped: no storage, like the
// gateway-only dtuhub run it is compared with.
//
//   node dist/bench/peer-proc.js --period MS
import { createServer, type Socket } from 'node:net';
import { parseArgs } from 'node:util';
import modbusSerial from 'modbus-serial';
import { SLAVE, TASK_ADDRESS, TASK_QUANTITY } from './bench-config.js';
import { announceReady, serveRequests } from './child-rpc.js';
import { PeerStats, type PeerSnapshot } from './peer-stats.js';

export type { PeerSnapshot } from './peer-stats.js';

// CommonJS package: at runtime the default import is module.exports, the client class
// itself, which the typings describe as the `default` export.
const ModbusRTU = modbusSerial as unknown as typeof modbusSerial.default;

/** Same response timeout as the bench profile. */
const RESPONSE_TIMEOUT_MS = 3000;

const { values } = parseArgs({ options: { period: { type: 'string', default: '1000' } } });
const periodMs = Number(values.period);

const stats = new PeerStats();
const counters = stats.counters;
const links = new Set<{ stop(): void }>();
const sockets = new Set<Socket>();

function attach(socket: Socket): void {
  sockets.add(socket);
  socket.once('close', () => sockets.delete(socket));
  socket.setNoDelay(true);
  socket.on('error', () => undefined);
  socket.once('data', (first: Buffer) => {
    // The DTU sends its ASCII ID alone right after connecting.
    const deviceId = first.toString('latin1');
    const client = new ModbusRTU();
    let first_: NodeJS.Timeout | null = null;
    let every: NodeJS.Timeout | null = null;
    const link = {
      stop() {
        if (first_) clearTimeout(first_);
        if (every) clearInterval(every);
      },
    };
    const poll = stats.poller(deviceId, () => client.readHoldingRegisters(TASK_ADDRESS, TASK_QUANTITY));
    client.linkTelnet(socket, {}).then(
      () => {
        counters.connections++;
        links.add(link);
        client.setID(SLAVE);
        // Set after linking: passed as a link option it would also become an idle timeout on the socket.
        client.setTimeout(RESPONSE_TIMEOUT_MS);
        // Spread first polls over one period, as dtuhub's connectStagger does.
        first_ = setTimeout(
          () => {
            poll();
            every = setInterval(poll, periodMs);
          },
          Math.floor(Math.random() * periodMs),
        );
        socket.once('close', () => {
          counters.connections--;
          link.stop();
          links.delete(link);
        });
      },
      () => socket.destroy(),
    );
  });
}

const server = createServer(attach);
await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0, backlog: 2048 }, resolve));
const address = server.address();
const port = typeof address === 'object' && address ? address.port : 0;

serveRequests(
  {
    snapshot: (args: unknown): PeerSnapshot => stats.snapshot(args),
    'start-window': () => stats.startWindow(),
  },
  async () => {
    for (const link of links) link.stop();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  },
);

announceReady({ port, pid: process.pid });
