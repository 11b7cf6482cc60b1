// One MC connection's requests: one in flight. An answer that does not fit the request in
// flight (another station's, the wrong size) is discarded and counted, and the wait goes on;
// one that comes with nothing in flight is late (its request timed out) and is discarded
// too.
//
// A 3E frame has no serial number, so only timing tells a late answer from the next one:
// after a timeout the next request waits a quiet period, so a late answer to the old request
// is not taken for the answer to the new one. A 4E frame carries a serial number (counted
// per connection, 0 to FFFFH and round again) that the answer echoes: an answer with any
// other serial than the one in flight is late and discarded even while a new request waits
// for its own, so 4E skips the quiet period. The serial would have to come round (65,536
// requests, each answered or timed out) before a late answer could pass as current.
import {
  McResponseSplitter,
  readAnswer,
  type McAnswer,
  type McDestination,
  type McFrameFormat,
  type McFrameType,
  type McRequest,
} from '../../protocol/mc/index.js';
import { MAX_SERIAL, encodeRequest } from '../../protocol/mc/index.js';

export type McOutcome =
  McAnswer | { readonly kind: 'timeout' } | { readonly kind: 'closed' } | { readonly kind: 'busy' };

export interface McTransportCounters {
  /** Answers that came with nothing in flight, or (4E) with the serial of an earlier request. */
  late: number;
  /** Answers that did not fit the request in flight. */
  mismatched: number;
  /** Bytes that could not start an answer. */
  junkBytes: number;
  timeouts: number;
}

export interface McTransportOptions {
  readonly format: McFrameFormat;
  /** 3E unless given. */
  readonly frame?: McFrameType;
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
  private current: (Pending & { readonly timer: NodeJS.Timeout; readonly serial: number | undefined }) | null = null;
  private readonly frame: McFrameType;
  /** The serial number of the next 4E request. */
  private nextSerial = 0;
  private quiet: NodeJS.Timeout | null = null;
  private closed = false;
  /** The PLC's own limit, just below ours, so it answers an error before we give up. */
  private readonly monitoringTimer: number;

  constructor(private readonly options: McTransportOptions) {
    this.frame = options.frame ?? '3e';
    this.splitter = new McResponseSplitter(options.format, this.frame);
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
      const answer = readAnswer(
        this.options.format,
        current.request,
        this.options.destination,
        item.response,
        current.serial,
      );
      if (answer.kind === 'mismatch') {
        if (item.response.serial !== null && item.response.serial !== current.serial) this.counters.late++;
        else this.counters.mismatched++;
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
    const serial = this.frame === '4e' ? this.takeSerial() : undefined;
    const bytes = encodeRequest(this.options.format, next.request, {
      destination: this.options.destination,
      monitoringTimer: this.monitoringTimer,
      frame: this.frame,
      ...(serial === undefined ? {} : { serial }),
    });
    const timer = setTimeout(() => {
      this.counters.timeouts++;
      this.finish({ kind: 'timeout' });
    }, this.options.timeoutMs);
    this.current = { ...next, timer, serial };
    this.options.send(bytes);
  }

  private takeSerial(): number {
    const serial = this.nextSerial;
    this.nextSerial = serial === MAX_SERIAL ? 0 : serial + 1;
    return serial;
  }

  private finish(outcome: McOutcome): void {
    const current = this.current;
    if (!current) return;
    clearTimeout(current.timer);
    this.current = null;
    current.resolve(outcome);
    // 4E needs no quiet period: a late answer gives itself away by its serial number.
    if (outcome.kind === 'timeout' && this.frame === '3e' && !this.closed) {
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
