// One UDP DTU's share of a UDP listener, shaped like the socket a session expects: its
// datagrams come in as 'data', what the session writes goes to the DTU's latest address.
import { EventEmitter } from 'node:events';
import type { SessionSocket } from './session-socket.js';

export type DatagramSend = (bytes: Uint8Array, port: number, address: string) => void;

export class UdpPeer extends EventEmitter implements SessionSocket {
  readonly datagrams = true;
  private destroyed = false;

  constructor(
    private readonly sendTo: DatagramSend,
    public remoteAddress: string,
    public remotePort: number,
    /** Called once when the session lets go (close, rejection, offline). */
    private readonly released: (peer: UdpPeer) => void,
  ) {
    super();
  }

  get key(): string {
    return peerKey(this.remoteAddress, this.remotePort);
  }

  // No stream to tune: UDP has neither Nagle nor keepalive.
  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  receive(datagram: Buffer): void {
    if (!this.destroyed) this.emit('data', datagram);
  }

  write(bytes: Uint8Array): boolean {
    if (this.destroyed) return false;
    this.sendTo(bytes, this.remotePort, this.remoteAddress);
    return true;
  }

  /** The DTU's NAT mapping moved: answers go to its new address from now on. */
  moveTo(address: string, port: number): void {
    this.remoteAddress = address;
    this.remotePort = port;
  }

  destroy(): this {
    if (this.destroyed) return this;
    this.destroyed = true;
    this.released(this);
    this.emit('close');
    return this;
  }
}

export function peerKey(address: string, port: number): string {
  return `${address}|${port}`;
}
