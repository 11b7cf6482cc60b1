// One MC connection's requests: one in flight, because a 3E frame has no serial number to
// tell answers apart (the 4E frame adds one). An answer that does not fit the request in
// flight (another station's, the wrong size) is discarded and counted, and the wait goes on;
// one that comes with nothing in flight is late (its request timed out) and is discarded
// too. After a timeout the next request waits a quiet period, so a late answer to the old
// request is not taken for the answer to the new one.
import {
  McResponseSplitter,
  readAnswer,
  type McAnswer,
  type McDestination,
  type McFrameFormat,
  type McRequest,
} from '../../protocol/mc/index.js';
import { encodeRequest } from '../../protocol/mc/index.js';

export type McOutcome =
  McAnswer | { readonly kind: 'timeout' } | { readonly kind: 'closed' } | { readonly kind: 'busy' };

export interface McTransportCounters {
  /** Answers that came with nothing in flight. */
  late: number;
  /** Answers that did not fit the request in flight. */
  mismatched: number;
  /** Bytes that could not start an answer. */
  junkBytes: number;
  timeouts: number;
}

export interface McTransportOptions {
  readonly format: McFrameFormat;
  readonly destination: McDestination;
  readonly timeoutMs: number;
  readonly send: (bytes: Buffer) => void;
  /** A discarded answer or junk, for the channel's counters and last error. */
  readonly discarded: (problem: string) => void;
}

/** Requests waiting behind the one in flight (polls wait for each other; writes may queue up). */
const MAX_WAITING = 32;

interface Pending {
  readonly request: McRequest;
  readonly resolve: (outcome: McOutcome) => void;
}

export class McTransport {
  readonly counters: McTransportCounters = { late: 0, mismatched: 0, junkBytes: 0, timeouts: 0 };
  private readonly splitter: McResponseSplitter;
  private readonly waiting: Pending[] = [];
  private current: (Pending & { readonly timer: NodeJS.Timeout }) | null = null;
  private quiet: NodeJS.Timeout | null = null;
  private closed = false;
  /** The PLC's own limit, just below ours, so it answers an error before we give up. */
  private readonly monitoringTimer: number;

  constructor(private readonly options: McTransportOptions) {
    this.splitter = new McResponseSplitter(options.format);
    this.monitoringTimer = Math.min(0xffff, Math.max(1, Math.floor(options.timeoutMs / 250) - 1));
  }

  request(request: McRequest): Promise<McOutcome> {
    if (this.closed) return Promise.resolve({ kind: 'closed' });
    if (this.waiting.length >= MAX_WAITING) return Promise.resolve({ kind: 'busy' });
    return new Promise((resolve) => {
      this.waiting.push({ request, resolve });
      this.pump();
    });
  }

  onData(chunk: Buffer): void {
    for (const item of this.splitter.push(chunk)) {
      if (item.kind === 'junk') {
        this.counters.junkBytes += item.bytes;
        this.options.discarded(`${item.bytes} bytes that are not an MC answer discarded`);
        continue;
      }
      const current = this.current;
      if (!current) {
        this.counters.late++;
        this.options.discarded('late MC answer discarded');
        continue;
      }
      const answer = readAnswer(this.options.format, current.request, this.options.destination, item.response);
      if (answer.kind === 'mismatch') {
        this.counters.mismatched++;
        this.options.discarded(`MC answer discarded: ${answer.problem}`);
        continue;
      }
      this.finish(answer);
    }
  }

  /** Answers everything waiting with `closed`; later requests too. */
  close(): void {
    this.closed = true;
    if (this.quiet) clearTimeout(this.quiet);
    this.quiet = null;
    if (this.current) this.finish({ kind: 'closed' });
    for (const p of this.waiting.splice(0)) p.resolve({ kind: 'closed' });
    this.splitter.reset();
  }

  private pump(): void {
    if (this.current || this.quiet || this.closed) return;
    const next = this.waiting.shift();
    if (!next) return;
    const bytes = encodeRequest(this.options.format, next.request, {
      destination: this.options.destination,
      monitoringTimer: this.monitoringTimer,
    });
    const timer = setTimeout(() => {
      this.counters.timeouts++;
      this.finish({ kind: 'timeout' });
    }, this.options.timeoutMs);
    this.current = { ...next, timer };
    this.options.send(bytes);
  }

  private finish(outcome: McOutcome): void {
    const current = this.current;
    if (!current) return;
    clearTimeout(current.timer);
    this.current = null;
    current.resolve(outcome);
    if (outcome.kind === 'timeout' && !this.closed) {
      this.quiet = setTimeout(
        () => {
          this.quiet = null;
          this.pump();
        },
        Math.min(this.options.timeoutMs, 1000),
      );
    } else this.pump();
  }
}
