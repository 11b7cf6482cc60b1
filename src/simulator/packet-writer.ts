// Writes the DTU's packets to its socket, optionally cut into pieces with a pause between
// them, so tests can prove the server reassembles frames by length rather than by chunk.
import type { Socket } from 'node:net';

interface Piece {
  readonly bytes: Buffer;
  /** Called once this piece (the last of its packet) has been handed to the kernel. */
  readonly done: (() => void) | null;
}

export class PacketWriter {
  // Created only when a packet is actually split: most DTUs never need it.
  private queue: Piece[] | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly socket: Socket) {}

  /**
   * Sends `packet` whole (`pieceSize` 0) or in pieces of `pieceSize` bytes, `gapMs`
   * apart. Packets never interleave: a packet queued behind a split one waits its turn.
   */
  write(packet: Buffer, pieceSize: number, gapMs: number, done?: () => void): void {
    if (this.socket.destroyed) return;
    if (!this.queue && (pieceSize <= 0 || packet.length <= pieceSize)) {
      this.socket.write(packet, done ? () => done() : undefined);
      return;
    }
    const queue = (this.queue ??= []);
    const size = pieceSize > 0 ? pieceSize : packet.length;
    for (let at = 0; at < packet.length; at += size) {
      const last = at + size >= packet.length;
      queue.push({ bytes: packet.subarray(at, at + size), done: last ? (done ?? null) : null });
    }
    if (!this.timer) this.drain(gapMs);
  }

  /** Drops whatever has not been written yet (connection closing). */
  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue = null;
  }

  private drain(gapMs: number): void {
    this.timer = null;
    const piece = this.queue?.shift();
    if (!piece || this.socket.destroyed) {
      this.queue = null;
      return;
    }
    const done = piece.done;
    this.socket.write(piece.bytes, done ? () => done() : undefined);
    if (this.queue && this.queue.length > 0) this.timer = setTimeout(() => this.drain(gapMs), gapMs);
    else this.queue = null;
  }
}
