// The byte stream of one DTU connection, turned into events: registration, heartbeats,
// Modbus and DL/T 645 answers, typed messages and discarded bytes. Pure: no sockets, no
// timers, so every split, merge and corruption case is tested with byte fixtures.
// The session tells the parser which request is in flight (`expect`): an answer's length
// follows from that request (or the meter's frame), never from how TCP chunked the bytes.

import type { HeartbeatRule, LinkConfig } from '../../domain/config.js';
import { isDlt645Expectation, type Dlt645Expectation } from '../dlt645/index.js';
import { checkResponse, expectedLength, type Expectation } from '../modbus/response.js';
import { scanUnsolicited } from '../modbus/unsolicited.js';
import { MAX_SLAVE_ADDRESS } from '../modbus/functions.js';
import { indexOfPattern, isPartialMatch, matchesAt, ownCopy } from './bytes.js';
import { classifyMbapAdu, nextMbapItem, typedModbusAnswer } from './mbap-stream.js';
import { looksLikeMeterStart, meterResponseFrame } from './meter-answer.js';
import { nextMeterItem } from './meter-stream.js';
import { matchRegistration } from './registration.js';
import { findResponse, heartbeatArriving, looksLikeResponseStart, withoutHeartbeat } from './rtu-response-scan.js';
import type { DiscardReason, LinkExpectation, ResponseFrame, StreamEvents } from './stream-events.js';

export type { DiscardReason, LinkExpectation, ResponseFrame, StreamEvents, UnsolicitedFrame } from './stream-events.js';

const EMPTY = Buffer.alloc(0);

export class DtuStreamParser {
  private pending: Buffer = EMPTY;
  private registeredId: string | null = null;
  private candidate: { id: string; consumed: number } | null = null;
  private expectation: LinkExpectation | null = null;
  private heartbeatRule: HeartbeatRule | null;
  /** Data-carry mode: the registration bytes that prefix every later packet. */
  private packetPrefix: Uint8Array | null = null;
  private atPacketStart = true;
  /** Start of a run of garbage bytes being collected, so one event covers the run. */
  private garbageFrom = -1;
  /** mbap links: the transaction id of the request in flight (each request takes the next). */
  private transaction = 0;

  constructor(
    private readonly link: LinkConfig,
    private readonly events: StreamEvents,
    private readonly maxInputBytes: number,
  ) {
    this.heartbeatRule = link.heartbeat;
  }

  get id(): string | null {
    return this.registeredId;
  }

  /** A text registration is complete unless more bytes arrive: the session arms an idle timer. */
  get awaitingIdle(): boolean {
    return this.registeredId === null && this.candidate !== null;
  }

  get buffered(): number {
    return this.pending.length;
  }

  /**
   * The device is known without a registration (a serial device server dtuhub connected
   * to): frames are parsed from the first byte.
   */
  assume(id: string): void {
    this.registeredId = id;
    this.candidate = null;
  }

  /** The device profile may bring its own heartbeat once the device is known. */
  setHeartbeat(rule: HeartbeatRule | null): void {
    this.heartbeatRule = rule;
  }

  /** mbap: the id the last expected request goes out with (a retry is a new one: late answers drop). */
  get transactionId(): number {
    return this.transaction;
  }

  /** Sets (or clears) the request in flight and parses what is already buffered. */
  expect(expectation: LinkExpectation | null): void {
    if (expectation) this.transaction = (this.transaction + 1) & 0xffff;
    this.expectation = expectation;
    if (expectation && this.pending.length > 0) this.process(this.pending);
  }

  /** The request in flight when it is Modbus: only transparent links carry DL/T 645. */
  private get modbusExpectation(): Expectation | null {
    const exp = this.expectation;
    return exp && !isDlt645Expectation(exp) ? exp : null;
  }

  get expecting(): boolean {
    return this.expectation !== null;
  }

  /** Drops whatever is buffered (after a timeout the line's state is unknown). */
  discardPending(reason: DiscardReason): void {
    if (this.pending.length > 0) this.events.discarded(this.pending, reason);
    this.pending = EMPTY;
    this.atPacketStart = true;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    const data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    this.process(data);
    if (this.pending.length > this.maxInputBytes) {
      this.discardPending('overflow');
      this.candidate = null;
    }
  }

  /** The line went idle: a text registration waiting for more bytes is final now. */
  settle(): void {
    if (this.registeredId !== null || !this.candidate) return;
    const { id, consumed } = this.candidate;
    const data = this.pending;
    this.pending = EMPTY;
    this.accept(id, data, 0, consumed);
    if (consumed < data.length) this.process(data.subarray(consumed));
  }

  private process(data: Buffer): void {
    let pos = 0;
    const end = data.length;
    if (this.registeredId === null) {
      pos = this.register(data, end);
      if (this.registeredId === null) {
        this.pending = pos < end ? data.subarray(pos) : EMPTY;
        return;
      }
    }
    pos = this.processFramed(data, pos, end);
    this.flushGarbage(data, pos);
    this.pending = pos < end ? ownCopy(data, pos, end) : EMPTY;
  }

  private register(data: Buffer, end: number): number {
    const match = matchRegistration(this.link.registration, data, 0, end, this.heartbeatRule?.pattern ?? null);
    switch (match.kind) {
      case 'incomplete':
        this.candidate = null;
        return 0;
      case 'matched-if-idle':
        this.candidate = { id: match.id, consumed: match.consumed };
        return 0;
      case 'matched':
        return this.accept(match.id, data, 0, match.consumed);
      case 'invalid':
        this.candidate = null;
        this.events.registrationFailed(match.reason, data);
        return end;
    }
  }

  private accept(id: string, data: Uint8Array, start: number, consumed: number): number {
    this.registeredId = id;
    this.candidate = null;
    const raw = Buffer.from(data.subarray(start, start + consumed));
    if (this.link.registration.mode === 'every-packet') this.packetPrefix = raw;
    this.atPacketStart = true;
    this.events.registered(id, raw);
    return start + consumed;
  }

  private processFramed(data: Buffer, pos: number, end: number): number {
    if (this.link.framing === 'typed') return this.processTyped(data, pos, end);
    return this.link.framing === 'mbap' ? this.processMbap(data, pos, end) : this.processRtu(data, pos, end);
  }

  /** Skips the every-packet registration prefix at a packet start; WAIT while it may be arriving. */
  private skipPacketPrefix(data: Buffer, pos: number, end: number): number {
    if (!this.packetPrefix || !this.atPacketStart) return pos;
    if (matchesAt(data, pos, end, this.packetPrefix)) {
      this.flushGarbage(data, pos);
      this.atPacketStart = false;
      return pos + this.packetPrefix.length;
    }
    if (isPartialMatch(data, pos, end, this.packetPrefix)) return WAIT;
    this.atPacketStart = false; // some DTUs prefix only data packets, not heartbeats
    return pos;
  }

  // ------------------------------------------------------------ transparent / unsolicited

  private processRtu(data: Buffer, pos: number, end: number): number {
    const hb = this.heartbeatRule?.pattern ?? null;
    while (pos < end) {
      const afterPrefix = this.skipPacketPrefix(data, pos, end);
      if (afterPrefix === WAIT) return pos;
      if (afterPrefix !== pos) {
        pos = afterPrefix;
        continue;
      }

      const exp = this.link.framing === 'transparent' ? this.expectation : null;
      const meter = exp !== null && isDlt645Expectation(exp) ? exp : null;
      const responseStart =
        exp !== null &&
        (meter ? looksLikeMeterStart(data[pos]!) : looksLikeResponseStart(exp as Expectation, data, pos, end));
      if (hb && !responseStart) {
        if (matchesAt(data, pos, end, hb)) {
          this.flushGarbage(data, pos);
          pos += hb.length;
          this.atPacketStart = true;
          this.events.heartbeat(false);
          continue;
        }
        if (isPartialMatch(data, pos, end, hb)) return pos;
      }

      const next = meter
        ? this.matchMeter(meter, data, pos, end, hb)
        : exp
          ? this.matchExpected(exp as Expectation, data, pos, end, hb)
          : this.matchUnexpected(data, pos, end);
      if (next === WAIT) return pos;
      pos = next;
    }
    return pos;
  }

  /** Returns the next position, or WAIT when more bytes are needed. */
  private matchExpected(exp: Expectation, data: Buffer, pos: number, end: number, hb: Uint8Array | null): number {
    const check = checkResponse(exp, data, pos, end);
    if (check.kind === 'ok' || check.kind === 'exception') {
      this.flushGarbage(data, pos);
      if (hb && indexOfPattern(data, pos + 1, pos + check.length, hb) >= 0) this.events.heartbeatPatternInData();
      return this.deliver(data, pos, check);
    }
    if (check.kind === 'incomplete') return WAIT;

    // Let the CRC arbitrate: only now try the frame without a heartbeat inside it.
    const window = Math.min(end, pos + expectedLength(exp) * 2);
    if (hb) {
      const stripped = withoutHeartbeat(exp, data, pos, window, hb);
      if (stripped === 'wait') return WAIT;
      if (stripped) {
        this.flushGarbage(data, pos);
        this.events.heartbeat(true);
        this.deliver(stripped.joined, 0, stripped.check);
        return pos + stripped.check.length + hb.length;
      }
      if (heartbeatArriving(exp, data, pos, end, hb)) return WAIT;
    }
    const stray = scanUnsolicited(data, pos, end);
    if (stray.kind === 'frame' || stray.kind === 'exception') {
      this.flushGarbage(data, pos);
      this.events.discarded(Buffer.from(data.subarray(pos, pos + stray.length)), 'stray-frame');
      this.atPacketStart = true;
      return pos + stray.length;
    }
    if (check.kind === 'bad-crc') {
      this.flushGarbage(data, pos);
      this.expectation = null;
      this.events.badResponse(Buffer.from(data.subarray(pos, pos + check.length)));
      this.atPacketStart = true;
      return pos + check.length;
    }
    if (stray.kind === 'incomplete') {
      // Could be the start of a late frame, or noise in front of our answer: only a
      // complete, valid answer close behind decides it now; otherwise wait.
      const later = findResponse(exp, data, pos + 1, window);
      if (later < 0) return WAIT;
      this.discardRange(data, pos, later);
      return later;
    }
    return this.markGarbage(pos);
  }

  /** A DL/T 645 request is in flight: its answer comes as the meter frames it (meter-stream.ts). */
  private matchMeter(exp: Dlt645Expectation, data: Buffer, pos: number, end: number, hb: Uint8Array | null): number {
    const item = nextMeterItem(exp, data, pos, end, hb);
    if (item.kind === 'wait') return WAIT;
    if (item.kind === 'garbage') return this.markGarbage(pos);
    this.flushGarbage(data, pos);
    if (item.kind === 'preamble') return pos + item.length;
    if (item.kind === 'answer') {
      if (item.heartbeatInside) this.events.heartbeat(true);
      this.deliver(item.frame.bytes, 0, meterResponseFrame(item.answer, item.frame));
      return pos + item.consumed;
    }
    const bytes = Buffer.from(data.subarray(pos, pos + item.length));
    this.atPacketStart = true;
    if (item.kind === 'malformed' && item.ours) {
      this.expectation = null;
      this.events.badResponse(bytes);
    } else this.events.discarded(bytes, item.kind === 'stray' ? 'stray-frame' : 'bad-crc');
    return pos + item.length;
  }

  private deliver(data: Buffer, pos: number, frame: ResponseFrame): number {
    this.expectation = null;
    this.atPacketStart = true;
    this.events.response(data, pos, frame);
    return pos + frame.length;
  }

  private matchUnexpected(data: Buffer, pos: number, end: number): number {
    const slave = data[pos]!;
    if (slave === 0 || slave > MAX_SLAVE_ADDRESS) {
      return this.markGarbage(pos);
    }
    const frame = scanUnsolicited(data, pos, end);
    if (frame.kind === 'incomplete') return WAIT;
    if (frame.kind === 'invalid') {
      return this.markGarbage(pos);
    }
    this.flushGarbage(data, pos);
    this.atPacketStart = true;
    if (this.link.framing === 'unsolicited') this.events.unsolicited(data, pos, frame);
    else this.events.discarded(Buffer.from(data.subarray(pos, pos + frame.length)), 'stray-frame');
    return pos + frame.length;
  }

  // ------------------------------------------------------------ mbap framing

  /** A DTU in Modbus TCP mode: the ADU says its length; its transaction id, whose answer it is. */
  private processMbap(data: Buffer, pos: number, end: number): number {
    const hb = this.heartbeatRule?.pattern ?? null;
    while (pos < end) {
      const afterPrefix = this.skipPacketPrefix(data, pos, end);
      if (afterPrefix === WAIT) return pos;
      if (afterPrefix !== pos) {
        pos = afterPrefix;
        continue;
      }
      const item = nextMbapItem(data, pos, end, hb, this.modbusExpectation ? this.transaction : null);
      if (item.kind === 'wait') return pos;
      if (item.kind === 'garbage') {
        pos = this.markGarbage(pos);
        continue;
      }
      this.flushGarbage(data, pos);
      this.atPacketStart = true;
      if (item.kind === 'heartbeat') this.events.heartbeat(false);
      else this.mbapAdu(Buffer.from(data.subarray(pos, pos + item.length)));
      pos += item.length;
    }
    return pos;
  }

  private mbapAdu(adu: Buffer): void {
    const answer = classifyMbapAdu(adu, this.modbusExpectation, this.transaction);
    if (answer.kind === 'stray') return this.events.discarded(adu, 'stray-frame');
    this.expectation = null;
    if (answer.kind === 'bad') return this.events.badResponse(adu);
    this.events.response(adu, 0, answer);
  }

  // ------------------------------------------------------------ typed framing
  private processTyped(data: Buffer, pos: number, end: number): number {
    const typed = this.link.typed!;
    while (end - pos >= 2) {
      const type = data[pos]!;
      const length = data[pos + 1]!;
      if (type !== typed.heartbeatType && type !== typed.dataType && type !== typed.modbusType) {
        // No way to find the next header in an unknown message: drop what we have.
        this.events.discarded(Buffer.from(data.subarray(pos, end)), 'unknown-type');
        return end;
      }
      if (end - pos < 2 + length) return pos;
      const payload = data.subarray(pos + 2, pos + 2 + length);
      pos += 2 + length;
      if (type === typed.heartbeatType) this.events.heartbeat(false);
      else if (type === typed.dataType) this.events.data(Buffer.from(payload));
      else this.typedModbus(payload);
    }
    return pos;
  }

  private typedModbus(payload: Buffer): void {
    const answer = typedModbusAnswer(this.modbusExpectation, payload);
    if (answer.kind === 'stray') return this.events.discarded(Buffer.from(payload), 'stray-frame');
    if (answer.kind !== 'bad') return void this.deliver(payload, 0, answer);
    this.expectation = null;
    this.events.badResponse(Buffer.from(payload));
  }

  // ------------------------------------------------------------ garbage runs
  /** Returns the position after the byte. */
  private markGarbage(pos: number): number {
    if (this.garbageFrom < 0) this.garbageFrom = pos;
    return pos + 1;
  }

  private discardRange(data: Buffer, from: number, to: number): void {
    this.markGarbage(from);
    this.flushGarbage(data, to);
  }

  private flushGarbage(data: Buffer, upTo: number): void {
    if (this.garbageFrom < 0) return;
    const from = this.garbageFrom;
    this.garbageFrom = -1;
    if (upTo > from) this.events.discarded(Buffer.from(data.subarray(from, upTo)), 'garbage');
  }
}

const WAIT = -1;
