// The byte stream of one DTU connection, turned into events: registration, heartbeats,
// Modbus responses, typed messages and discarded bytes. Pure: no sockets, no timers, so
// every split, merge and corruption case is tested with byte fixtures.
//
// The session tells the parser which request is in flight (`expect`), because an RTU
// response's length follows from that request, never from how TCP chunked the bytes.

import type { HeartbeatRule, LinkConfig } from '../../domain/config.js';
import { checkResponse, expectedLength, type Expectation } from '../modbus/response.js';
import { scanUnsolicited } from '../modbus/unsolicited.js';
import { MAX_SLAVE_ADDRESS } from '../modbus/functions.js';
import { indexOfPattern, isPartialMatch, matchesAt } from './bytes.js';
import { matchRegistration } from './registration.js';
import type { DiscardReason, ResponseFrame, StreamEvents } from './stream-events.js';

export type { DiscardReason, ResponseFrame, StreamEvents, UnsolicitedFrame } from './stream-events.js';

const EMPTY = Buffer.alloc(0);

export class DtuStreamParser {
  private pending: Buffer = EMPTY;
  private registeredId: string | null = null;
  private candidate: { id: string; consumed: number } | null = null;
  private expectation: Expectation | null = null;
  private heartbeatRule: HeartbeatRule | null;
  /** Data-carry mode: the registration bytes that prefix every later packet. */
  private packetPrefix: Uint8Array | null = null;
  private atPacketStart = true;
  /** Start of a run of garbage bytes being collected, so one event covers the run. */
  private garbageFrom = -1;

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

  /** Sets (or clears) the request in flight and parses what is already buffered. */
  expect(expectation: Expectation | null): void {
    this.expectation = expectation;
    if (expectation && this.pending.length > 0) this.process(this.pending);
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
    pos = this.link.framing === 'typed' ? this.processTyped(data, pos, end) : this.processRtu(data, pos, end);
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

  // ------------------------------------------------------------ transparent / unsolicited

  private processRtu(data: Buffer, pos: number, end: number): number {
    const hb = this.heartbeatRule?.pattern ?? null;
    while (pos < end) {
      if (this.packetPrefix && this.atPacketStart) {
        if (matchesAt(data, pos, end, this.packetPrefix)) {
          this.flushGarbage(data, pos);
          pos += this.packetPrefix.length;
          this.atPacketStart = false;
          continue;
        }
        if (isPartialMatch(data, pos, end, this.packetPrefix)) return pos;
        this.atPacketStart = false; // some DTUs prefix only data packets, not heartbeats
      }

      const exp = this.link.framing === 'transparent' ? this.expectation : null;
      const responseStart = exp !== null && looksLikeResponseStart(exp, data, pos, end);
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

      const next = exp ? this.matchExpected(exp, data, pos, end, hb) : this.matchUnexpected(data, pos, end);
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
      const stripped = this.withoutHeartbeat(exp, data, pos, window, hb);
      if (stripped === WAIT) return WAIT;
      if (stripped !== NONE) return stripped;
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
    this.markGarbage(pos);
    return pos + 1;
  }

  private withoutHeartbeat(
    exp: Expectation,
    data: Buffer,
    pos: number,
    end: number,
    hb: Uint8Array,
  ): number | typeof WAIT | typeof NONE {
    // Bounded: a few candidates inside one frame's length, so crafted input stays cheap.
    let at = indexOfPattern(data, pos + 1, end, hb);
    for (let tries = 0; at >= 0 && tries < MAX_HEARTBEAT_CANDIDATES; tries++) {
      const joined = Buffer.concat([data.subarray(pos, at), data.subarray(at + hb.length, end)]);
      const check = checkResponse(exp, joined, 0, joined.length);
      if (check.kind === 'incomplete') return WAIT;
      if ((check.kind === 'ok' || check.kind === 'exception') && at - pos < check.length) {
        this.flushGarbage(data, pos);
        this.events.heartbeat(true);
        this.expectation = null;
        this.atPacketStart = true;
        this.events.response(joined, 0, check);
        return pos + check.length + hb.length;
      }
      at = indexOfPattern(data, at + 1, end, hb);
    }
    return NONE;
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
      this.markGarbage(pos);
      return pos + 1;
    }
    const frame = scanUnsolicited(data, pos, end);
    if (frame.kind === 'incomplete') return WAIT;
    if (frame.kind === 'invalid') {
      this.markGarbage(pos);
      return pos + 1;
    }
    this.flushGarbage(data, pos);
    this.atPacketStart = true;
    if (this.link.framing === 'unsolicited') this.events.unsolicited(data, pos, frame);
    else this.events.discarded(Buffer.from(data.subarray(pos, pos + frame.length)), 'stray-frame');
    return pos + frame.length;
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
    const exp = this.expectation;
    if (exp) {
      const check = checkResponse(exp, payload, 0, payload.length);
      if ((check.kind === 'ok' || check.kind === 'exception') && check.length === payload.length) {
        this.deliver(payload, 0, check);
        return;
      }
      if (check.kind === 'bad-crc') {
        this.expectation = null;
        this.events.badResponse(Buffer.from(payload));
        return;
      }
    }
    this.events.discarded(Buffer.from(payload), 'stray-frame');
  }

  // ------------------------------------------------------------ garbage runs

  private markGarbage(pos: number): void {
    if (this.garbageFrom < 0) this.garbageFrom = pos;
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

/**
 * Leftover bytes in a buffer of their own: a view would pin the whole socket chunk, and a
 * pooled copy (Buffer.from) the 8 KiB pool slab it lands in, for as long as the rest of
 * the frame takes to arrive, in each of 10,000 sessions.
 */
function ownCopy(data: Buffer, from: number, to: number): Buffer {
  const out = Buffer.allocUnsafeSlow(to - from);
  data.copy(out, 0, from, to);
  return out;
}

const WAIT = -1;
const NONE = -2;
const MAX_HEARTBEAT_CANDIDATES = 4;

/** Slave and function (or its exception form) match the request in flight. */
function looksLikeResponseStart(exp: Expectation, data: Uint8Array, pos: number, end: number): boolean {
  if (data[pos] !== exp.slave) return false;
  if (pos + 1 >= end) return true;
  const fn = data[pos + 1]!;
  return fn === exp.fn || fn === (exp.fn | 0x80);
}

/**
 * The buffer ends with the first bytes of a heartbeat, and what comes before them could
 * still begin the answer: a heartbeat arriving in pieces inside the response (right after
 * the slave byte, where nothing else says "wait"). Only the next bytes can tell.
 */
function heartbeatArriving(exp: Expectation, data: Uint8Array, pos: number, end: number, hb: Uint8Array): boolean {
  for (let k = Math.max(pos + 1, end - hb.length + 1); k < end; k++) {
    if (isPartialMatch(data, k, end, hb) && checkResponse(exp, data, pos, k).kind === 'incomplete') return true;
  }
  return false;
}

function findResponse(exp: Expectation, data: Uint8Array, from: number, end: number): number {
  for (let i = from; i < end; i++) {
    if (data[i] !== exp.slave) continue;
    const check = checkResponse(exp, data, i, end);
    if (check.kind === 'ok' || check.kind === 'exception') return i;
  }
  return -1;
}
