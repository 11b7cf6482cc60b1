// What every simulated device that dtuhub connects out to shares, whatever it speaks: a
// TCP listener (port 0: the OS picks one), the connections open on it, answers sent after
// a delay, and a close that ends the connections and cancels the delayed answers too.
import { createServer, type Server, type Socket } from 'node:net';

export interface PortAddress {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: the OS picks a free port (read it from `port` after start). */
  readonly port?: number;
}

export abstract class SimulatorPort {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly delayed = new Set<NodeJS.Timeout>();
  private port_ = 0;

  constructor(private readonly address: PortAddress) {
    this.server = createServer((socket) => {
      socket.setNoDelay(true);
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      this.accept(socket);
    });
  }

  get host(): string {
    return this.address.host ?? '127.0.0.1';
  }

  /** The port listened on (the one the OS picked for port 0), once started. */
  get port(): number {
    return this.port_;
  }

  /** Connections open now. */
  get connections(): number {
    return this.sockets.size;
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.address.port ?? 0, this.host, () => {
        this.server.removeListener('error', reject);
        const address = this.server.address();
        this.port_ = typeof address === 'object' && address ? address.port : 0;
        resolve();
      });
    });
  }

  /** Stops listening, closes every connection and cancels pending answers. */
  async close(): Promise<void> {
    for (const timer of this.delayed) clearTimeout(timer);
    this.delayed.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.dropConnections();
    await closed;
  }

  /** Drops every open connection, as a device reboot or a carrier loss would. */
  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  /** Sets up one accepted connection (already counted among `connections`). */
  protected abstract accept(socket: Socket): void;

  /** Runs `send` after `delayMs` (now when 0), unless the connection closed meanwhile. */
  protected later(socket: Socket, delayMs: number, send: () => void): void {
    if (delayMs <= 0) {
      send();
      return;
    }
    const timer = setTimeout(() => {
      this.delayed.delete(timer);
      if (!socket.destroyed) send();
    }, delayMs);
    this.delayed.add(timer);
  }
}
