// Loopback ports for the benchmark's peers and the tests' (test/helpers/channels.ts
// re-exports these): a free port to start a process on, and whether it accepts yet.
import { connect, createServer } from 'node:net';

/** A port that was free a moment ago: start the peer on it later to play "down, then up". */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** True when a TCP connection to the port on 127.0.0.1 is accepted. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
