// A tiny dtuhub stand-in for simulator tests: accepts DTU connections on 127.0.0.1 and
// lets a test read exactly the bytes a DTU sent and write requests back.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { writeCrc } from '../../../src/protocol/modbus/crc.js';

export class MasterConnection {
  /** Every byte received, in order. */
  received = Buffer.alloc(0);
  /** Sizes of the individual `data` events, to see how the DTU chunked its packets. */
  readonly chunkSizes: number[] = [];
  private cursor = 0;
  private waiters: (() => void)[] = [];
  closed = false;

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.chunkSizes.push(chunk.length);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  /** The next `n` unread bytes, waiting for them to arrive. */
  async read(n: number, timeoutMs = 2000): Promise<Buffer> {
    await this.until(() => this.received.length - this.cursor >= n, timeoutMs, `${n} bytes`);
    const bytes = this.received.subarray(this.cursor, this.cursor + n);
    this.cursor += n;
    return Buffer.from(bytes);
  }

  /** Bytes that arrived but were not read yet. */
  unread(): Buffer {
    return Buffer.from(this.received.subarray(this.cursor));
  }

  /** Resolves once nothing new has arrived for `ms`; fails if bytes arrive meanwhile. */
  async expectSilence(ms: number): Promise<void> {
    const before = this.received.length;
    await new Promise((resolve) => setTimeout(resolve, ms));
    if (this.received.length !== before) {
      throw new Error(`expected silence, got ${this.received.subarray(before).toString('hex')}`);
    }
  }

  async until(condition: () => boolean, timeoutMs = 2000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}; unread: ${this.unread().toString('hex')}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 20);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  write(bytes: Buffer | string): void {
    this.socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'hex') : bytes);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

export class FakeMaster {
  readonly connections: MasterConnection[] = [];
  private constructor(private readonly server: Server) {
    server.on('connection', (socket) => {
      socket.setNoDelay(true);
      this.connections.push(new MasterConnection(socket));
    });
  }

  static async start(): Promise<FakeMaster> {
    const server = createServer();
    const master = new FakeMaster(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return master;
  }

  get target(): { host: string; port: number } {
    return { host: '127.0.0.1', port: (this.server.address() as AddressInfo).port };
  }

  /** The n-th connection (0-based), waiting for it. */
  async connection(index = 0, timeoutMs = 2000): Promise<MasterConnection> {
    const deadline = Date.now() + timeoutMs;
    while (this.connections.length <= index) {
      if (Date.now() > deadline) throw new Error(`no connection #${index}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.connections[index]!;
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** An RTU frame from hex without CRC, with the CRC appended. */
export function rtu(hexWithoutCrc: string): Buffer {
  const body = Buffer.from(hexWithoutCrc.replace(/\s+/g, ''), 'hex');
  const frame = Buffer.alloc(body.length + 2);
  body.copy(frame);
  writeCrc(frame, body.length);
  return frame;
}
