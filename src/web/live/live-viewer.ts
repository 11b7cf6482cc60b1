// One WebSocket viewer: its subscriptions and a send that drops the viewer when it falls
// too far behind, so one slow browser never holds frames (memory) for everyone. Its frames
// are held for a moment and leave in one write: a viewer of 200 devices polled every second
// gets a frame every 5 ms, and one write (a system call, and ws's work per frame) each was
// most of the feed's cost with many viewers.
import type { Writable } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Budget } from './live-budget.js';
import { encodeTextFrames } from './ws-text-frames.js';

export const CLOSE_TOO_SLOW = 4008;
export const CLOSE_AUTH_ENDED = 4001;
export const CLOSE_SHUTDOWN = 1001;
/** Frames to one viewer are held this long at most, to leave in one write. */
const HOLD_MS = 50;
/** Frames held up to this many bytes; more leave at once (a fleet page, a burst of snapshots). */
const HOLD_BYTES = 64 * 1024;
/** After asking a stuck viewer to close, cut the socket if it does not. */
const TERMINATE_AFTER_MS = 5000;
const OPEN = 1;

/** What a viewer is made of, besides its WebSocket. */
export interface ViewerOptions {
  readonly user: string;
  /** This connection's budget, and the one it shares with the user's other connections. */
  readonly budget: { readonly own: Budget; readonly user: Budget };
  /** False once the viewer's login session has ended (logout, expiry, user deleted). */
  readonly stillAuthorized: () => boolean;
  readonly maxBufferedBytes: number;
  /**
   * The TCP socket under the WebSocket, where held frames are written (null if none: each
   * frame then goes through the WebSocket as it comes).
   */
  readonly stream: Pick<Writable, 'write'> | null;
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
  private held: Buffer[] = [];
  private heldBytes = 0;
  private holdTimer: NodeJS.Timeout | null = null;

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
    // Bytes written but not yet taken by the network; what is held here is bounded apart.
    if (this.socket.bufferedAmount > this.options.maxBufferedBytes) {
      this.close(CLOSE_TOO_SLOW, 'too slow');
      this.options.onDrop(this, 'too slow');
      return false;
    }
    this.lastSentAt = Date.now();
    if (!this.options.stream) {
      this.socket.send(frame, { binary: false });
      return true;
    }
    const bytes = typeof frame === 'string' ? Buffer.from(frame) : frame;
    this.held.push(bytes);
    this.heldBytes += bytes.length;
    if (this.heldBytes >= HOLD_BYTES) this.flush();
    else this.holdTimer ??= setTimeout(() => this.flush(), HOLD_MS);
    return true;
  }

  /** Writes the frames held so far, as one write. */
  flush(): void {
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = null;
    if (this.held.length === 0) return;
    const frames = this.held;
    this.held = [];
    this.heldBytes = 0;
    // Straight to the TCP socket, past ws, which then has nothing queued of its own (no
    // compression, no sends of ours), so frames keep their order; ws's bufferedAmount counts
    // these bytes too. Once the WebSocket is closing, frames may no longer follow.
    if (this.socket.readyState === OPEN) this.options.stream?.write(encodeTextFrames(frames));
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.socket.close(code, reason);
    setTimeout(() => this.socket.terminate(), TERMINATE_AFTER_MS).unref();
  }
}
