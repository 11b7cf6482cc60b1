// A TCP proxy on 127.0.0.1 in front of a real server (MariaDB in the fault tests), so a test
// can take the server away from dtuhub without touching the server other tests use:
// - blackhole(): the network goes silent. Open connections stop carrying bytes, new ones
//   are accepted but never reach the server (what a dead cellular or VPN link looks like).
// - refuse(): the server is down. Open connections are reset, new ones closed at once.
// - restore(): back to forwarding; connections held in the blackhole are dropped so the
//   client reconnects rather than reusing a socket with a lost conversation.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

type Mode = 'forward' | 'blackhole' | 'refuse';

export interface TcpProxy {
  readonly port: number;
  blackhole(): void;
  refuse(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: Mode = 'forward';
  const pairs = new Set<{ client: Socket; upstream: Socket | null }>();

  const server: Server = createServer((client) => {
    client.on('error', () => undefined);
    if (mode === 'refuse') {
      client.destroy();
      return;
    }
    const pair: { client: Socket; upstream: Socket | null } = { client, upstream: null };
    pairs.add(pair);
    client.on('close', () => {
      pair.upstream?.destroy();
      pairs.delete(pair);
    });
    if (mode === 'blackhole') {
      client.pause(); // held open, nothing goes anywhere
      return;
    }
    connect(pair);
  });

  function connect(pair: { client: Socket; upstream: Socket | null }): void {
    const upstream = createConnection(target);
    pair.upstream = upstream;
    upstream.on('error', () => pair.client.destroy());
    upstream.on('close', () => pair.client.destroy());
    pair.client.pipe(upstream);
    upstream.pipe(pair.client);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;

  return {
    port,
    blackhole() {
      mode = 'blackhole';
      for (const { client, upstream } of pairs) {
        client.unpipe();
        upstream?.unpipe();
        client.pause();
        upstream?.pause();
      }
    },
    refuse() {
      mode = 'refuse';
      for (const { client, upstream } of pairs) {
        client.resetAndDestroy();
        upstream?.destroy();
      }
      pairs.clear();
    },
    restore() {
      for (const { client, upstream } of pairs) {
        client.resetAndDestroy();
        upstream?.destroy();
      }
      pairs.clear();
      mode = 'forward';
    },
    async close() {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream?.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
