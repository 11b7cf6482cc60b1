// One TCP listener: many DTUs on one port, each identified by its registration packet.
import { createServer, type Server, type Socket } from 'node:net';
import { admits, plainIp } from './admission.js';
import { ListenerBase } from './listener-base.js';
import { DtuSession } from './session.js';

export type { ListenerState } from './listener-base.js';

export class DtuListener extends ListenerBase {
  private server: Server | null = null;

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => {
        this.server = null;
        reject(this.bindFailed(err));
      };
      server.once('error', onError);
      server.listen({ host: this.config.host, port: this.config.port, backlog: 2048 }, () => {
        server.off('error', onError);
        server.on('error', (err) => this.failed(err));
        const address = server.address();
        this.running(typeof address === 'object' && address ? address.port : this.config.port);
        resolve();
      });
    });
  }

  /** Stops accepting; sessions already open are closed by the gateway. */
  async stop(): Promise<void> {
    const server = this.detach();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /**
   * Stops accepting and frees the port at once, leaving the connections it accepted open
   * (a reload moved the listener: its sessions stay). Returns the server to wait on, if any.
   */
  detach(): Server | null {
    const server = this.server;
    if (!server) return null;
    this.server = null;
    this.stopped();
    // close() frees the port now; its callback would wait for every accepted connection.
    server.close();
    return server;
  }

  private accept(socket: Socket): void {
    const { ctx } = this;
    if (!admits(ctx, this.config.name, plainIp(socket.remoteAddress), socket.remotePort ?? 0)) {
      socket.destroy();
      return;
    }
    const session = new DtuSession(socket, this.config.name, this.links, ctx);
    ctx.registry.add(session);
    ctx.bus.emit('connection.opened', { remote: session.remote, at: session.connectedAt });
    session.start();
  }
}
