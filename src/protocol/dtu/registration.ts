// Registration matching: turns the first bytes of a connection into a device ID. Pure; the
// session owns the timers (registration timeout, quiet gap).
//
// TCP has no packet boundaries, so a registration may arrive split over chunks or merged
// with the first heartbeat or response. Each rule therefore says where an ID ends (its
// length, a terminator, a pattern that cannot grow, or a quiet line) and how many bytes it
// consumed; what follows a complete ID is data. The answer for the bytes so far never
// depends on how they were split, so the session re-runs the match on everything buffered.

import type { AsciiRegistration, IntegerRegistration, RegistrationRule } from '../../domain/config.js';
import { indexOfPattern, isIdByte, isPartialMatch, matchesAt } from './bytes.js';

export type RegistrationMatch =
  /** Not enough bytes yet. */
  | { readonly kind: 'incomplete' }
  /** A complete registration of `consumed` bytes. */
  | { readonly kind: 'matched'; readonly id: string; readonly consumed: number }
  /** Complete if no more bytes follow within the rule's quiet gap (nothing else ends it). */
  | { readonly kind: 'matched-if-idle'; readonly id: string; readonly consumed: number }
  | { readonly kind: 'invalid'; readonly reason: RegistrationFailure };

export type RegistrationFailure =
  /** A byte that may not be in an ID and does not end one (a space, a control byte). */
  | 'bad-character'
  | 'too-long'
  | 'too-short'
  | 'pattern-mismatch'
  | 'bad-prefix'
  | 'empty'
  /** An integer ID outside the rule's `min`..`max`. */
  | 'out-of-range'
  /** The ID was fine but what followed it is not this link's framing. */
  | 'wrong-framing';

/** Bytes that end a text ID without a terminator of its own. */
const CR = 0x0d;
const isEndByte = (b: number) => b === CR || b === 0x0a || b === 0x00;

/** Bytes a pattern rule examines beyond `maxLength` before it gives up: room for a prefix. */
const PATTERN_SLACK = 32;

export function matchRegistration(
  rule: RegistrationRule,
  buf: Uint8Array,
  start: number,
  end: number,
  heartbeat: Uint8Array | null,
): RegistrationMatch {
  const available = end - start;
  if (available <= 0) return { kind: 'incomplete' };
  switch (rule.type) {
    case 'integer':
      return matchInteger(rule, buf, start, available);
    case 'hex': {
      const prefix = rule.prefix?.length ?? 0;
      if (rule.prefix) {
        const n = Math.min(available, prefix);
        for (let i = 0; i < n; i++) {
          if (buf[start + i] !== rule.prefix[i]) return { kind: 'invalid', reason: 'bad-prefix' };
        }
      }
      if (available < prefix + rule.length) return { kind: 'incomplete' };
      const id = Buffer.from(buf.buffer, buf.byteOffset + start + prefix, rule.length)
        .toString('hex')
        .toUpperCase();
      return { kind: 'matched', id, consumed: prefix + rule.length };
    }
    case 'ascii':
      return matchAscii(rule, buf, start, end, heartbeat);
  }
}

function matchInteger(rule: IntegerRegistration, buf: Uint8Array, start: number, available: number): RegistrationMatch {
  if (available < rule.bytes) return { kind: 'incomplete' };
  const view = Buffer.from(buf.buffer, buf.byteOffset + start, rule.bytes);
  const little = rule.endian === 'little';
  let id: bigint;
  if (rule.bytes === 2) id = BigInt(little ? view.readUInt16LE(0) : view.readUInt16BE(0));
  else if (rule.bytes === 4) id = BigInt(little ? view.readUInt32LE(0) : view.readUInt32BE(0));
  else id = little ? view.readBigUInt64LE(0) : view.readBigUInt64BE(0);
  if ((rule.min !== undefined && id < BigInt(rule.min)) || (rule.max !== undefined && id > BigInt(rule.max)))
    return { kind: 'invalid', reason: 'out-of-range' };
  return { kind: 'matched', id: String(id), consumed: rule.bytes };
}

function matchAscii(
  rule: AsciiRegistration,
  buf: Uint8Array,
  start: number,
  end: number,
  heartbeat: Uint8Array | null,
): RegistrationMatch {
  if (rule.pattern) return matchPattern(rule, buf, start, end);

  if (rule.length !== null) {
    const n = Math.min(end - start, rule.length);
    if (!allIdBytes(buf, start, start + n)) return { kind: 'invalid', reason: 'bad-character' };
    if (n < rule.length) return { kind: 'incomplete' };
    return { kind: 'matched', id: latin1(buf, start, start + n), consumed: n };
  }

  if (rule.terminator) {
    const limit = Math.min(end, start + rule.maxLength + rule.terminator.length);
    const at = indexOfPattern(buf, start, limit, rule.terminator);
    if (at < 0) {
      // The first bytes of the terminator may already be here ("\r" of "\r\n"). A bad byte
      // within maxLength is reported first, as it would be had the bytes come one by one.
      const textEnd = end - partialSuffix(buf, start, end, rule.terminator);
      if (!allIdBytes(buf, start, Math.min(textEnd, start + rule.maxLength))) {
        return { kind: 'invalid', reason: 'bad-character' };
      }
      if (end - start >= rule.maxLength + rule.terminator.length) return { kind: 'invalid', reason: 'too-long' };
      return { kind: 'incomplete' };
    }
    if (at === start) return { kind: 'invalid', reason: 'empty' };
    if (!allIdBytes(buf, start, at)) return { kind: 'invalid', reason: 'bad-character' };
    if (at - start < (rule.minLength ?? 1)) return { kind: 'invalid', reason: 'too-short' };
    return { kind: 'matched', id: latin1(buf, start, at), consumed: at - start + rule.terminator.length };
  }
  return matchDelimited(rule, buf, start, end, heartbeat);
}

/**
 * The default rule: a run of ID bytes (printable, no space) that ends at \r, \n or \0 (taken
 * with the ID), at the heartbeat (left for the stream), or when the line goes quiet. Any
 * other byte after the run means the run is not an ID: it is junk (an HTTP request line),
 * or data a link must declare with `length` or `pattern` to tell it from the ID.
 */
function matchDelimited(
  rule: AsciiRegistration,
  buf: Uint8Array,
  start: number,
  end: number,
  heartbeat: Uint8Array | null,
): RegistrationMatch {
  let stop = start;
  while (stop < end && isIdByte(buf[stop]!)) stop++;
  if (stop === start) return { kind: 'invalid', reason: isEndByte(buf[start]!) ? 'empty' : 'bad-character' };

  // Printable heartbeats merged onto the end of the run (a DTU beating before the ID was
  // taken) are cut off, so an ID must not itself end with the heartbeat pattern: give such
  // DTUs a terminator, a length or a pattern.
  const hbLength = heartbeat?.length ?? 0;
  let idEnd = stop;
  while (hbLength > 0 && idEnd - start > hbLength && endsWith(buf, start, idEnd, heartbeat!)) idEnd -= hbLength;
  const length = idEnd - start;
  if (length > rule.maxLength) return { kind: 'invalid', reason: 'too-long' };
  const id = (consumed: number, final: boolean): RegistrationMatch => {
    if (length < (rule.minLength ?? 1))
      return final ? { kind: 'invalid', reason: 'too-short' } : { kind: 'incomplete' };
    return { kind: final ? 'matched' : 'matched-if-idle', id: latin1(buf, start, idEnd), consumed };
  };
  // A run that reaches the end may still grow (the heartbeat could be the ID's own bytes).
  if (stop === end) return id(length, false);
  if (idEnd < stop) return id(length, true);

  const next = buf[stop]!;
  if (isEndByte(next)) {
    // "\r\n" is taken whole; a lone "\r" waits a moment for its "\n".
    if (next !== CR) return id(length + 1, true);
    if (stop + 1 === end) return id(length + 1, false);
    return id(buf[stop + 1] === 0x0a ? length + 2 : length + 1, true);
  }
  if (heartbeat !== null && hbLength > 0) {
    if (matchesAt(buf, stop, end, heartbeat)) return id(length, true);
    if (isPartialMatch(buf, stop, end, heartbeat)) return id(length, false);
  }
  return { kind: 'invalid', reason: 'bad-character' };
}

function matchPattern(rule: AsciiRegistration, buf: Uint8Array, start: number, end: number): RegistrationMatch {
  const pattern = rule.pattern!;
  const window = Math.min(256, rule.maxLength + PATTERN_SLACK);
  const text = latin1(buf, start, Math.min(end, start + window));
  const m = pattern.exec(text);
  if (!m || m.index !== 0 || m[1] === undefined) {
    return end - start >= window ? { kind: 'invalid', reason: 'pattern-mismatch' } : { kind: 'incomplete' };
  }
  const id = m[1];
  if (id.length === 0) return { kind: 'invalid', reason: 'empty' };
  if (id.length > rule.maxLength) return { kind: 'invalid', reason: 'too-long' };
  if (id.length < (rule.minLength ?? 1)) return { kind: 'invalid', reason: 'too-short' };
  for (let i = 0; i < id.length; i++) {
    if (!isIdByte(id.charCodeAt(i))) return { kind: 'invalid', reason: 'bad-character' };
  }
  const consumed = m[0].length;
  if (start + consumed < end || cannotGrow(pattern, text, m)) return { kind: 'matched', id, consumed };
  return { kind: 'matched-if-idle', id, consumed };
}

/**
 * True when no next byte would change a match that reaches the end of the text
 * (`^(DTU\d{5})` after 8 bytes, `^REG:(\w+);` after the `;`): the ID is complete without
 * waiting for a quiet line. Only registrations run this, once per chunk.
 */
function cannotGrow(pattern: RegExp, text: string, m: RegExpExecArray): boolean {
  for (let b = 0; b < 256; b++) {
    const next = pattern.exec(text + String.fromCharCode(b));
    if (!next || next.index !== 0 || next[0] !== m[0] || next[1] !== m[1]) return false;
  }
  return true;
}

function endsWith(buf: Uint8Array, start: number, end: number, pattern: Uint8Array): boolean {
  if (end - start < pattern.length) return false;
  for (let i = 0; i < pattern.length; i++) if (buf[end - pattern.length + i] !== pattern[i]) return false;
  return true;
}

/** Length of the longest proper prefix of `pattern` that ends `buf[start, end)`. */
function partialSuffix(buf: Uint8Array, start: number, end: number, pattern: Uint8Array): number {
  for (let n = Math.min(pattern.length - 1, end - start); n > 0; n--) {
    let ok = true;
    for (let i = 0; i < n && ok; i++) ok = buf[end - n + i] === pattern[i];
    if (ok) return n;
  }
  return 0;
}

function allIdBytes(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isIdByte(buf[i]!)) return false;
  return true;
}

function latin1(buf: Uint8Array, start: number, end: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1');
}

/** The bytes a DTU sends for `id` under `rule`: used by the simulator and the tests. */
export function encodeRegistration(rule: RegistrationRule, id: string): Buffer {
  switch (rule.type) {
    case 'integer': {
      const out = Buffer.alloc(rule.bytes);
      const little = rule.endian === 'little';
      if (rule.bytes === 2) little ? out.writeUInt16LE(Number(id)) : out.writeUInt16BE(Number(id));
      else if (rule.bytes === 4) little ? out.writeUInt32LE(Number(id)) : out.writeUInt32BE(Number(id));
      else little ? out.writeBigUInt64LE(BigInt(id)) : out.writeBigUInt64BE(BigInt(id));
      return out;
    }
    case 'hex':
      return Buffer.concat([rule.prefix ?? Buffer.alloc(0), Buffer.from(id, 'hex')]);
    case 'ascii':
      return Buffer.concat([Buffer.from(id, 'latin1'), rule.terminator ?? Buffer.alloc(0)]);
  }
}
