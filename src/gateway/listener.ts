// One TCP listener: many DTUs on one port, each identified by its registration packet.
import { createServer, type Server, type Socket } from 'node:net';
import type { LinkConfig, ListenerConfig } from '../domain/config.js';
import { DtuSession, type SessionContext } from './session.js';

export type ListenerState = 'stopped' | 'running' | 'error';

export class DtuListener {
  private server: Server | null = null;
  state: ListenerState = 'stopped';
  lastError: string | null = null;
  boundPort: number | null = null;
  /** Times started again after the first start (supervision from the API). */
  restarts = 0;
  startedAt: number | null = null;
  private everStarted = false;

  constructor(
    readonly config: ListenerConfig,
    /** Tried in order on each connection (one port, mixed fleets). */
    private readonly links: readonly LinkConfig[],
    private readonly ctx: SessionContext,
  ) {}

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => {
        this.state = 'error';
        this.lastError = err.message;
        this.server = null;
        reject(
          new Error(
            `listener ${this.config.name} cannot listen on ${this.config.host}:${this.config.port}: ${err.message}`,
          ),
        );
      };
      server.once('error', onError);
      server.listen({ host: this.config.host, port: this.config.port, backlog: 2048 }, () => {
        server.off('error', onError);
        server.on('error', (err) => {
          this.lastError = err.message;
          this.ctx.log.error({ err, listener: this.config.name }, 'listener error');
        });
        const address = server.address();
        this.boundPort = typeof address === 'object' && address ? address.port : this.config.port;
        this.state = 'running';
        this.lastError = null;
        this.startedAt = this.ctx.clock.now();
        if (this.everStarted) this.restarts++;
        this.everStarted = true;
        this.ctx.log.info(
          { listener: this.config.name, host: this.config.host, port: this.boundPort, links: this.config.links },
          'listening for DTUs',
        );
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
    this.state = 'stopped';
    this.startedAt = null;
    // close() frees the port now; its callback would wait for every accepted connection.
    server.close();
    return server;
  }

  private accept(socket: Socket): void {
    const { ctx } = this;
    if (ctx.registry.connections >= ctx.limits.maxConnections) {
      ctx.counters.connectionsRefused++;
      const remote = {
        ip: (socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
        port: socket.remotePort ?? 0,
        listener: this.config.name,
      };
      ctx.bus.emit('connection.refused', { remote, at: ctx.clock.now(), reason: 'max-connections' });
      ctx.log.warn({ remote, max: ctx.limits.maxConnections }, 'connection refused: limit reached');
      socket.destroy();
      return;
    }
    const ip = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    if (ctx.registrationFailures?.refused(this.config.name, ip, ctx.clock.now())) {
      // Closed without an event or a log line each: the address's first failure had those.
      ctx.counters.connectionsThrottled++;
      socket.destroy();
      return;
    }
    ctx.counters.connectionsAccepted++;
    const session = new DtuSession(socket, this.config.name, this.links, ctx);
    ctx.registry.add(session);
    ctx.bus.emit('connection.opened', { remote: session.remote, at: session.connectedAt });
    session.start();
  }
}
