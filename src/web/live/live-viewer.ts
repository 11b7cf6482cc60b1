// One WebSocket viewer: its subscriptions and a send that drops the viewer when it falls
// too far behind, so one slow browser never holds frames (memory) for everyone.
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Budget } from './live-budget.js';

export const CLOSE_TOO_SLOW = 4008;
export const CLOSE_AUTH_ENDED = 4001;
export const CLOSE_SHUTDOWN = 1001;
/** Frames to one viewer are held this long at most, to leave in one write. */
const FLUSH_AFTER_MS = 20;
/** A WebSocket frame header from server to client is 2 to 10 bytes. */
const FRAME_HEADER = 10;
/** After asking a stuck viewer to close, cut the socket if it does not. */
const TERMINATE_AFTER_MS = 5000;

/** What a viewer is made of, besides its WebSocket. */
export interface ViewerOptions {
  readonly user: string;
  /** This connection's budget, and the one it shares with the user's other connections. */
  readonly budget: { readonly own: Budget; readonly user: Budget };
  /** False once the viewer's login session has ended (logout, expiry, user deleted). */
  readonly stillAuthorized: () => boolean;
  readonly maxBufferedBytes: number;
  /**
   * The TCP socket under the WebSocket (null if none): corked for FLUSH_AFTER_MS at the
   * first frame, so the frames of those milliseconds leave in one write instead of one each.
   */
  readonly stream: Pick<Duplex, 'cork' | 'uncork'> | null;
  readonly onDrop: (viewer: LiveViewer, reason: string) => void;
}

export class LiveViewer {
  readonly user: string;
  readonly budget: ViewerOptions['budget'];
  readonly stillAuthorized: () => boolean;
  /** Topics subscribed to, including those whose snapshot is still on its way. */
  readonly topics = new Set<string>();
  /** Subscriptions whose snapshot is queued, by topic: the number tells one subscription from the next. */
  readonly pending = new Map<string, number>();
  /** The fleet as this viewer last got it whole (snapshot pages or a delta): what a delta starts from. */
  fleetBase: { readonly version: number; readonly at: number } | null = null;
  lastSentAt = Date.now();
  closed = false;
  private corked = false;
  /** Bytes written since the socket was corked: held on purpose, not a sign of a slow viewer. */
  private held = 0;

  constructor(
    readonly socket: WebSocket,
    private readonly options: ViewerOptions,
  ) {
    this.user = options.user;
    this.budget = options.budget;
    this.stillAuthorized = options.stillAuthorized;
  }

  /**
   * Sends an already serialised frame (a Buffer: the same bytes for every viewer, sent as
   * text); false when the viewer was dropped instead.
   */
  send(frame: string | Buffer): boolean {
    if (this.closed) return false;
    if (this.socket.bufferedAmount - this.held > this.options.maxBufferedBytes) {
      this.close(CLOSE_TOO_SLOW, 'too slow');
      this.options.onDrop(this, 'too slow');
      return false;
    }
    const stream = this.options.stream;
    if (stream && !this.corked) {
      // A viewer of many devices gets a frame every few milliseconds: one write (a system
      // call) each was most of the feed's cost with many viewers, so they leave together.
      this.corked = true;
      stream.cork();
      setTimeout(() => {
        this.corked = false;
        this.held = 0;
        stream.uncork();
      }, FLUSH_AFTER_MS);
    }
    if (this.corked) this.held += (typeof frame === 'string' ? Buffer.byteLength(frame) : frame.length) + FRAME_HEADER;
    this.socket.send(frame, { binary: false });
    this.lastSentAt = Date.now();
    return true;
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close(code, reason);
    setTimeout(() => this.socket.terminate(), TERMINATE_AFTER_MS).unref();
  }
}
