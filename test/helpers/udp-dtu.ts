// A DTU that speaks UDP, for tests: it sends its registration and heartbeats as datagrams
// and answers fc 03 reads of its slaves from a register table. `rebind()` closes its socket
// and opens another, so the gateway sees it come from a new source port (NAT rebinding).
import { createSocket, type Socket } from 'node:dgram';
import { crc16, hasValidCrc } from '../../src/protocol/modbus/crc.js';

export class UdpDtu {
  private socket: Socket | null = null;
  /** `slave:address` → register value. */
  readonly registers = new Map<string, number>();
  readonly received: Buffer[] = [];
  requests = 0;

  constructor(
    readonly id: string,
    private readonly port: number,
    /** Source address: any of 127.0.0.0/8, to look like another host. */
    private readonly host = '127.0.0.1',
  ) {}

  /** Opens a socket on a fresh source port and registers from it. */
  async open(): Promise<number> {
    const socket = createSocket('udp4');
    socket.on('message', (datagram) => this.onDatagram(datagram));
    await new Promise<void>((resolve) => socket.bind(0, this.host, resolve));
    this.socket = socket;
    await this.send(Buffer.from(this.id));
    return socket.address().port;
  }

  async rebind(): Promise<number> {
    await this.close();
    return this.open();
  }

  heartbeat(): Promise<void> {
    return this.send(Buffer.from('HB'));
  }

  send(bytes: Buffer): Promise<void> {
    const socket = this.socket;
    if (!socket) return Promise.resolve();
    return new Promise((resolve, reject) =>
      socket.send(bytes, this.port, '127.0.0.1', (err) => (err ? reject(err) : resolve())),
    );
  }

  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = null;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  private onDatagram(datagram: Buffer): void {
    this.received.push(datagram);
    if (datagram.length !== 8 || datagram[1] !== 3 || !hasValidCrc(datagram, 0, 8)) return;
    this.requests++;
    const slave = datagram[0]!;
    const address = datagram.readUInt16BE(2);
    const quantity = datagram.readUInt16BE(4);
    const body = Buffer.alloc(3 + 2 * quantity);
    body[0] = slave;
    body[1] = 3;
    body[2] = 2 * quantity;
    for (let i = 0; i < quantity; i++)
      body.writeUInt16BE(this.registers.get(`${slave}:${address + i}`) ?? 0, 3 + 2 * i);
    const crc = crc16(body);
    void this.send(Buffer.concat([body, Buffer.from([crc & 0xff, crc >> 8])]));
  }
}
