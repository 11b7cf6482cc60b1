// The Modbus TCP counterpart of a DTU's TransactionQueue: the same transactions (RTU
// requests as compiled for the read plan) sent in MBAP framing, up to `maxInFlight` at
// once, answers paired by transaction id. Timeouts and retries follow the profile's timing.
// A Modbus TCP device answers one request at a time unless it says otherwise, so the
// default stays 1; gateways in front of several units often take more.
import type { ModbusTiming } from '../../domain/config.js';
import type { Clock, ModbusTransport, Transaction } from '../../link/index.js';
import { isDlt645Expectation } from '../../protocol/dlt645/index.js';
import type { Expectation } from '../../protocol/modbus/response.js';
import { checkMbapResponse, encodeMbapRequest, MbapSplitter, mbapTransactionId } from '../../protocol/modbus/mbap.js';

/** Requests in a row that time out before a device that keeps its socket open counts as gone. */
export const LOST_AFTER_TIMEOUTS = 3;

export interface PipelineCounters {
  sent: number;
  answered: number;
  exceptions: number;
  timeouts: number;
  /** Answers for no request in flight (late after a timeout, or unknown ids): dropped. */
  stray: number;
  /** Answers that did not fit their request (unit, function, byte count, echo): retried. */
  mismatched: number;
}

export interface PipelineLink {
  send(adu: Buffer): void;
  /** The stream cannot be Modbus TCP any more, or the device stopped answering altogether. */
  lost(err: Error): void;
  /** A request got its answer (data or an exception): a Modbus device is really there. */
  answered?(): void;
}

interface Flight {
  readonly tx: Transaction;
  readonly attempt: number;
  readonly sentAt: number;
  readonly timer: NodeJS.Timeout;
}

export class MbapPipeline implements ModbusTransport {
  private readonly waiting: { readonly tx: Transaction; readonly attempt: number }[] = [];
  private readonly flights = new Map<number, Flight>();
  private readonly splitter = new MbapSplitter();
  private nextId: number;
  private lastSendAt = -Infinity;
  private delayTimer: NodeJS.Timeout | null = null;
  private timeoutsInARow = 0;
  private closed = false;
  readonly counters: PipelineCounters = { sent: 0, answered: 0, exceptions: 0, timeouts: 0, stray: 0, mismatched: 0 };

  constructor(
    private readonly link: PipelineLink,
    private readonly timing: ModbusTiming,
    private readonly maxInFlight: number,
    private readonly clock: Clock,
    firstId = Math.floor(Math.random() * 0x10000),
  ) {
    this.nextId = firstId & 0xffff;
  }

  get depth(): number {
    return this.waiting.length + this.flights.size;
  }

  /** Queues a transaction; false when one with the same key is waiting or in flight. */
  enqueue(tx: Transaction): boolean {
    if (this.closed) {
      tx.done({ kind: 'closed', at: this.clock.now() });
      return false;
    }
    if (isDlt645Expectation(tx.expectation)) {
      // A Modbus TCP peer cannot carry a meter's frames; config keeps meters off these channels.
      tx.done({ kind: 'bad-response', attempts: 0, at: this.clock.now() });
      return false;
    }
    if (tx.key !== null) {
      for (const entry of this.waiting) if (entry.attempt === 1 && entry.tx.key === tx.key) return false;
      for (const flight of this.flights.values()) if (flight.attempt === 1 && flight.tx.key === tx.key) return false;
    }
    this.waiting.push({ tx, attempt: 1 });
    this.pump();
    return true;
  }

  /** Bytes from the socket. */
  onData(chunk: Uint8Array): void {
    if (this.closed) return;
    for (const piece of this.splitter.push(chunk)) {
      if (piece.kind !== 'adu') {
        const what = piece.kind === 'bad-protocol' ? `protocol id ${piece.protocolId}` : `length ${piece.length}`;
        this.link.lost(new Error(`not Modbus TCP: MBAP header with ${what}`));
        return;
      }
      this.answer(piece.adu);
    }
  }

  /** Fails everything waiting and in flight; later enqueues fail at once. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const at = this.clock.now();
    if (this.delayTimer) clearTimeout(this.delayTimer);
    const pending = [...[...this.flights.values()].map((f) => f.tx), ...this.waiting.map((w) => w.tx)];
    for (const flight of this.flights.values()) clearTimeout(flight.timer);
    this.flights.clear();
    this.waiting.length = 0;
    for (const tx of pending) tx.done({ kind: 'closed', at });
  }

  private answer(adu: Buffer): void {
    const id = mbapTransactionId(adu);
    const flight = this.flights.get(id);
    if (!flight) {
      this.counters.stray++;
      return;
    }
    const check = checkMbapResponse(flight.tx.expectation as Expectation, id, adu);
    if (check.kind === 'mismatch') {
      this.counters.mismatched++;
      this.land(id, flight);
      this.retryOrFail(flight, 'bad-response');
      return;
    }
    this.land(id, flight);
    this.timeoutsInARow = 0;
    const at = this.clock.now();
    if (check.kind === 'ok') {
      this.counters.answered++;
      flight.tx.done({
        kind: 'ok',
        buf: adu,
        dataOffset: check.dataOffset,
        dataLength: check.dataLength,
        sentAt: flight.sentAt,
        at,
      });
    } else {
      this.counters.exceptions++;
      flight.tx.done({ kind: 'exception', code: check.code, sentAt: flight.sentAt, at });
    }
    this.link.answered?.();
    this.pump();
  }

  private timedOut(id: number): void {
    const flight = this.flights.get(id);
    if (!flight) return;
    this.counters.timeouts++;
    this.land(id, flight);
    this.timeoutsInARow++;
    if (this.timeoutsInARow >= LOST_AFTER_TIMEOUTS) {
      // The socket is up but nothing answers (a frozen device, a half-open connection):
      // reconnecting is the only cure, and the channel's backoff paces it.
      flight.tx.done({ kind: 'timeout', attempts: flight.attempt, at: this.clock.now() });
      this.link.lost(
        new Error(`${this.timeoutsInARow} requests in a row got no answer within ${this.timing.responseTimeoutMs} ms`),
      );
      return;
    }
    this.retryOrFail(flight, 'timeout');
  }

  private retryOrFail(flight: Flight, kind: 'timeout' | 'bad-response'): void {
    if (this.closed) return;
    if (flight.attempt <= this.timing.retries) {
      this.waiting.unshift({ tx: flight.tx, attempt: flight.attempt + 1 });
    } else {
      flight.tx.done({ kind, attempts: flight.attempt, at: this.clock.now() });
    }
    this.pump();
  }

  private land(id: number, flight: Flight): void {
    clearTimeout(flight.timer);
    this.flights.delete(id);
  }

  private pump(): void {
    while (!this.closed && !this.delayTimer && this.waiting.length > 0 && this.flights.size < this.maxInFlight) {
      const now = this.clock.now();
      const wait = this.lastSendAt + this.timing.interRequestDelayMs - now;
      if (wait > 0) {
        this.delayTimer = setTimeout(() => {
          this.delayTimer = null;
          this.pump();
        }, wait);
        return;
      }
      const { tx, attempt } = this.waiting.shift()!;
      const id = this.freeId();
      const timer = setTimeout(() => this.timedOut(id), this.timing.responseTimeoutMs);
      this.flights.set(id, { tx, attempt, sentAt: now, timer });
      this.lastSendAt = now;
      this.counters.sent++;
      this.link.send(encodeMbapRequest(tx.request, id));
    }
  }

  /** The next transaction id not in flight (at most maxInFlight ≤ 64 are, of 65,536). */
  private freeId(): number {
    let id = this.nextId;
    while (this.flights.has(id)) id = (id + 1) & 0xffff;
    this.nextId = (id + 1) & 0xffff;
    return id;
  }
}
