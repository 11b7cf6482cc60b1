// Parent ↔ child plumbing for the benchmark: each side of a scenario (dtuhub, the fleet,
// the peer) runs in its own Node process, so CPU time and RSS read inside a child belong
// to that side alone. Requests and replies travel over the IPC channel, matched by id.
import { spawn, type ChildProcess } from 'node:child_process';

interface Request {
  readonly rpc: number;
  readonly type: string;
  readonly args?: unknown;
}

interface Reply {
  readonly rpc: number;
  readonly ok: boolean;
  readonly result?: unknown;
  readonly error?: string;
}

/** First message a child sends once it is up: `{ ready: true, ...info }`. */
export interface ReadyMessage {
  readonly ready: true;
  readonly [key: string]: unknown;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;
/** File descriptors wanted per child: 10,000 sockets plus SQLite, pipes and slack. */
const FD_LIMIT = 65536;

export class BenchChild {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (err: Error) => void; timer: NodeJS.Timeout }
  >();
  private exited: Error | null = null;
  private readonly ready: Promise<ReadyMessage>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readyTimeoutMs: number,
  ) {
    this.ready = new Promise<ReadyMessage>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name}: not ready within ${readyTimeoutMs} ms`)),
        readyTimeoutMs,
      );
      child.on('message', (message: unknown) => {
        const m = message as Partial<Reply> & Partial<ReadyMessage>;
        if (m.ready === true) {
          clearTimeout(timer);
          resolve(m as ReadyMessage);
          return;
        }
        if (typeof m.rpc !== 'number') return;
        const waiter = this.pending.get(m.rpc);
        if (!waiter) return;
        this.pending.delete(m.rpc);
        clearTimeout(waiter.timer);
        if (m.ok) waiter.resolve(m.result);
        else waiter.reject(new Error(`${name}: ${m.error ?? 'request failed'}`));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        this.exited = new Error(`${name} exited (code ${code ?? 'none'}, signal ${signal ?? 'none'})`);
        reject(this.exited);
        for (const waiter of this.pending.values()) {
          clearTimeout(waiter.timer);
          waiter.reject(this.exited);
        }
        this.pending.clear();
      });
    });
    // An early exit is reported by whoever awaits `whenReady`; do not crash on it here.
    this.ready.catch(() => undefined);
  }

  /**
   * Starts `node <script> …args` through bash so the child gets a raised descriptor
   * limit (10,000 connections need more than a default 1,024).
   */
  static start(
    name: string,
    script: string,
    args: readonly string[],
    options: { nodeFlags?: readonly string[]; readyTimeoutMs?: number } = {},
  ): BenchChild {
    const raise = `ulimit -n ${FD_LIMIT} 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"`;
    const child = spawn('bash', ['-c', raise, process.execPath, ...(options.nodeFlags ?? []), script, ...args], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new BenchChild(name, child, options.readyTimeoutMs ?? 60_000);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  whenReady(): Promise<ReadyMessage> {
    return this.ready;
  }

  request<T>(type: string, args?: unknown, timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS): Promise<T> {
    if (this.exited) return Promise.reject(this.exited);
    const rpc = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(rpc);
        reject(new Error(`${this.name}: "${type}" got no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(rpc, { resolve: resolve as (value: unknown) => void, reject, timer });
      const request: Request = { rpc, type, args };
      this.child.send(request);
    });
  }

  /** Asks the child to stop; kills it (this child only, by pid) if it does not exit in time. */
  async stop(timeoutMs = 30_000): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.request('stop', undefined, timeoutMs).catch(() => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await gone;
    clearTimeout(timer);
  }
}

export type Handler = (args: unknown) => unknown;

/**
 * Child side: answers requests with `handlers[type]`; `stop` replies first, then runs
 * `onStop` and exits.
 */
export function serveRequests(handlers: Record<string, Handler>, onStop: () => Promise<void>): void {
  const send = (message: Reply | ReadyMessage) => process.send?.(message);
  process.on('message', (message: unknown) => {
    const { rpc, type, args } = message as Request;
    if (typeof rpc !== 'number') return;
    if (type === 'stop') {
      void onStop()
        .catch((err: unknown) => console.error(err))
        .finally(() => {
          send({ rpc, ok: true });
          // Let the reply leave before the channel closes.
          setTimeout(() => process.exit(0), 50);
        });
      return;
    }
    const handler = handlers[type];
    if (!handler) {
      send({ rpc, ok: false, error: `unknown request ${type}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(args))
      .then(
        (result) => send({ rpc, ok: true, result }),
        (err: unknown) =>
          send({ rpc, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
      );
  });
  // The parent died: do not linger.
  process.on('disconnect', () => process.exit(1));
}

export function announceReady(info: Record<string, unknown> = {}): void {
  process.send?.({ ready: true, ...info });
}
