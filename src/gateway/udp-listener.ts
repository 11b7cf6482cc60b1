// One UDP listener: DTUs that send their registration, heartbeats and answers as datagrams.
// A DTU is known by its ID, not by its address: behind cellular NAT the source port can
// change mid-session, and a registration from a new address moves the online session
// there (queue, schedules and counters kept) instead of starting a new one.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { matchRegistration } from '../protocol/dtu/registration.js';
import { admits, plainIp } from './admission.js';
import { ListenerBase } from './listener-base.js';
import { DtuSession } from './session.js';
import { peerKey, UdpPeer } from './udp-peer.js';

export class DtuUdpListener extends ListenerBase {
  private socket: Socket | null = null;
  private readonly peers = new Map<string, UdpPeer>();
  private readonly sessions = new Map<UdpPeer, DtuSession>();
  /** Keyed by the session object, as the registry hands it out. */
  private readonly peerOf = new Map<object, UdpPeer>();
  private readonly send = (bytes: Uint8Array, port: number, address: string): void => {
    this.socket?.send(bytes, port, address);
  };

  async start(): Promise<void> {
    if (this.socket) return;
    const { host, port } = this.config;
    const socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4' });
    this.socket = socket;
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => {
        this.socket = null;
        socket.close();
        reject(this.bindFailed(err));
      };
      socket.once('error', onError);
      socket.bind({ address: host, port }, () => {
        socket.off('error', onError);
        socket.on('error', (err) => this.failed(err));
        socket.on('message', (datagram, from) => this.onDatagram(datagram, from));
        this.running(socket.address().port);
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    this.detach();
    return Promise.resolve();
  }

  /**
   * Frees the port; its DTUs go offline with it (as a shutdown: no offline rules fire), as
   * their answers have no other way out.
   */
  detach(): void {
    const socket = this.socket;
    if (!socket) return;
    this.socket = null;
    this.stopped();
    for (const session of [...this.sessions.values()])
      session.close('shutdown', `listener ${this.config.name} stopped`);
    for (const peer of [...this.peers.values()]) peer.destroy();
    socket.close();
  }

  private onDatagram(datagram: Buffer, from: RemoteInfo): void {
    const peer = this.peers.get(peerKey(from.address, from.port));
    if (peer) {
      peer.receive(this.withoutRepeatedRegistration(peer, datagram));
      return;
    }
    if (this.moved(datagram, from)) return;
    const { ctx } = this;
    if (!admits(ctx, this.config.name, plainIp(from.address), from.port)) return;
    const fresh = new UdpPeer(this.send, from.address, from.port, (p) => this.release(p));
    const session = new DtuSession(fresh, this.config.name, this.links, ctx);
    this.peers.set(fresh.key, fresh);
    this.sessions.set(fresh, session);
    this.peerOf.set(session, fresh);
    ctx.registry.add(session);
    ctx.bus.emit('connection.opened', { remote: session.remote, at: session.connectedAt });
    session.start();
    fresh.receive(datagram);
  }

  /**
   * A registration for a DTU online on this listener from another address: its NAT mapping
   * moved. The session follows it, unless the link rejects duplicate IDs (then the new
   * address registers, and is refused, as a second connection would be).
   */
  private moved(datagram: Buffer, from: RemoteInfo): boolean {
    const registration = this.registrationIn(datagram);
    if (!registration) return false;
    const online = this.ctx.registry.get(registration.id);
    const peer = online && this.peerOf.get(online);
    const session = peer && this.sessions.get(peer);
    if (!peer || !session || session.state !== 'active' || registration.duplicateIds === 'reject') return false;
    const was = `${session.remote.ip}:${session.remote.port}`;
    this.peers.delete(peer.key);
    peer.moveTo(from.address, from.port);
    this.peers.set(peer.key, peer);
    session.remote = { ...session.remote, ip: plainIp(from.address), port: from.port };
    this.ctx.counters.udpAddressChanges++;
    this.ctx.log.info({ device: registration.id, from: was, to: `${session.remote.ip}:${from.port}` }, 'UDP DTU moved');
    if (registration.consumed < datagram.length) peer.receive(datagram.subarray(registration.consumed));
    return true;
  }

  /**
   * UDP DTUs repeat their registration (it is how the server learns a new address); from
   * the address it already has, a repeat of the online ID is dropped here rather than
   * counted as garbage. `every-packet` links strip their prefix in the parser.
   */
  private withoutRepeatedRegistration(peer: UdpPeer, datagram: Buffer): Buffer {
    const session = this.sessions.get(peer);
    if (!session || session.state !== 'active') return datagram;
    const registration = this.registrationIn(datagram);
    if (!registration || registration.id !== session.deviceId || registration.mode !== 'once') return datagram;
    return datagram.subarray(registration.consumed);
  }

  private registrationIn(datagram: Buffer) {
    for (const link of this.links) {
      const match = matchRegistration(link.registration, datagram, 0, datagram.length, link.heartbeat?.pattern ?? null);
      // A datagram is a whole packet: an ID waiting for the quiet gap is complete.
      if (match.kind === 'matched' || match.kind === 'matched-if-idle') {
        return {
          id: match.id,
          consumed: match.consumed,
          mode: link.registration.mode,
          duplicateIds: link.duplicateIds,
        };
      }
    }
    return null;
  }

  private release(peer: UdpPeer): void {
    if (this.peers.get(peer.key) === peer) this.peers.delete(peer.key);
    const session = this.sessions.get(peer);
    if (session) this.peerOf.delete(session);
    this.sessions.delete(peer);
  }
}
