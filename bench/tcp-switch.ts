// A TCP switch on 127.0.0.1 in front of a peer the benchmark takes away and brings back
// (MariaDB for the spill scenario, InfluxDB's stand-in and Mosquitto for the sinks scenario):
// while refusing, open connections are reset and new ones closed at once, as when the
// peer's host is down; the peer itself keeps running, so what it holds is not lost.
import { createConnection as connectTcp, createServer, type Socket } from 'node:net';

/** A TCP switch in front of `targetPort`: forward, or refuse (connections reset, new ones closed). */
export async function startSwitch(targetPort: number): Promise<{
  port: number;
  refuse(): void;
  forward(): void;
  close(): Promise<void>;
}> {
  let refusing = false;
  const open = new Set<Socket>();
  const server = createServer((client) => {
    client.on('error', () => undefined);
    if (refusing) return void client.destroy();
    const upstream = connectTcp({ host: '127.0.0.1', port: targetPort });
    open.add(client).add(upstream);
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dropAll = () => {
    for (const s of open) s.destroy();
    open.clear();
  };
  return {
    port: (server.address() as { port: number }).port,
    refuse() {
      refusing = true;
      dropAll();
    },
    forward() {
      refusing = false;
    },
    close: () => {
      dropAll();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
