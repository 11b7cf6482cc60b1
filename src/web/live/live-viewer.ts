// One WebSocket viewer: its subscriptions and a send that drops the viewer when it falls
// too far behind, so one slow browser never holds frames (memory) for everyone.
import type { WebSocket } from 'ws';

export const CLOSE_TOO_SLOW = 4008;
export const CLOSE_AUTH_ENDED = 4001;
export const CLOSE_SHUTDOWN = 1001;
/** After asking a stuck viewer to close, cut the socket if it does not. */
const TERMINATE_AFTER_MS = 5000;

export class LiveViewer {
  readonly topics = new Set<string>();
  lastSentAt = Date.now();
  closed = false;

  constructor(
    readonly socket: WebSocket,
    readonly user: string,
    /** False once the viewer's login session has ended (logout, expiry, user deleted). */
    readonly stillAuthorized: () => boolean,
    private readonly maxBufferedBytes: number,
    private readonly onDrop: (viewer: LiveViewer, reason: string) => void,
  ) {}

  /** Sends an already serialised frame; false when the viewer was dropped instead. */
  send(text: string): boolean {
    if (this.closed) return false;
    if (this.socket.bufferedAmount > this.maxBufferedBytes) {
      this.close(CLOSE_TOO_SLOW, 'too slow');
      this.onDrop(this, 'too slow');
      return false;
    }
    this.socket.send(text);
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
