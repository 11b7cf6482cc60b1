// Registration matching: turns the first bytes of a connection into a device ID. Pure; the
// session owns the timers (registration timeout, idle settle).
//
// TCP has no packet boundaries, so a registration may arrive split over chunks or merged
// with the first heartbeat or response. Each rule therefore says how many bytes it
// consumed, and a text ID without a terminator is only final once the line goes idle.

import type { AsciiRegistration, RegistrationRule } from '../../domain/config.js';
import { indexOfPattern, isPrintable } from './bytes.js';

export type RegistrationMatch =
  /** Not enough bytes yet. */
  | { readonly kind: 'incomplete' }
  /** A complete registration of `consumed` bytes. */
  | { readonly kind: 'matched'; readonly id: string; readonly consumed: number }
  /** Complete if no more bytes follow soon (text ID with no terminator). */
  | { readonly kind: 'matched-if-idle'; readonly id: string; readonly consumed: number }
  | { readonly kind: 'invalid'; readonly reason: RegistrationFailure };

export type RegistrationFailure = 'not-printable' | 'too-long' | 'pattern-mismatch' | 'bad-prefix' | 'empty';

/** Upper bound on bytes examined by a regex rule: IDs are short, input is untrusted. */
const PATTERN_WINDOW = 256;

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
    case 'integer': {
      if (available < rule.bytes) return { kind: 'incomplete' };
      const view = Buffer.from(buf.buffer, buf.byteOffset + start, rule.bytes);
      const little = rule.endian === 'little';
      let id: bigint | number;
      if (rule.bytes === 2) id = little ? view.readUInt16LE(0) : view.readUInt16BE(0);
      else if (rule.bytes === 4) id = little ? view.readUInt32LE(0) : view.readUInt32BE(0);
      else id = little ? view.readBigUInt64LE(0) : view.readBigUInt64BE(0);
      return { kind: 'matched', id: String(id), consumed: rule.bytes };
    }
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

function matchAscii(
  rule: AsciiRegistration,
  buf: Uint8Array,
  start: number,
  end: number,
  heartbeat: Uint8Array | null,
): RegistrationMatch {
  if (rule.pattern) return matchPattern(rule.pattern, rule.maxLength, buf, start, end);

  if (rule.length !== null) {
    if (end - start < rule.length) {
      return allPrintable(buf, start, end) ? { kind: 'incomplete' } : { kind: 'invalid', reason: 'not-printable' };
    }
    if (!allPrintable(buf, start, start + rule.length)) return { kind: 'invalid', reason: 'not-printable' };
    return { kind: 'matched', id: latin1(buf, start, start + rule.length), consumed: rule.length };
  }

  if (rule.terminator) {
    const limit = Math.min(end, start + rule.maxLength + rule.terminator.length);
    const at = indexOfPattern(buf, start, limit, rule.terminator);
    if (at < 0) {
      if (end - start >= rule.maxLength + rule.terminator.length) return { kind: 'invalid', reason: 'too-long' };
      // The first bytes of the terminator may already be here ("\r" of "\r\n").
      const textEnd = end - partialSuffix(buf, start, end, rule.terminator);
      return allPrintable(buf, start, textEnd) ? { kind: 'incomplete' } : { kind: 'invalid', reason: 'not-printable' };
    }
    if (at === start) return { kind: 'invalid', reason: 'empty' };
    if (!allPrintable(buf, start, at)) return { kind: 'invalid', reason: 'not-printable' };
    return { kind: 'matched', id: latin1(buf, start, at), consumed: at - start + rule.terminator.length };
  }

  // Whole packet: the printable run at the start. A non-printable byte marks where the ID
  // stops; a heartbeat merged onto its end is cut off (so an ID must not itself end with
  // the heartbeat pattern: use a terminator or a pattern rule for such IDs). Otherwise the
  // ID is final once the line goes idle.
  let stop = start;
  while (stop < end && isPrintable(buf[stop]!)) stop++;
  if (stop === start) return { kind: 'invalid', reason: 'not-printable' };
  let idEnd = stop;
  if (heartbeat && heartbeat.length > 0 && stop - start > heartbeat.length && endsWith(buf, start, stop, heartbeat)) {
    idEnd = stop - heartbeat.length;
  }
  if (idEnd - start > rule.maxLength) return { kind: 'invalid', reason: 'too-long' };
  const id = latin1(buf, start, idEnd);
  if (idEnd < end) return { kind: 'matched', id, consumed: idEnd - start };
  return { kind: 'matched-if-idle', id, consumed: idEnd - start };
}

function matchPattern(
  pattern: RegExp,
  maxLength: number,
  buf: Uint8Array,
  start: number,
  end: number,
): RegistrationMatch {
  const windowEnd = Math.min(end, start + PATTERN_WINDOW);
  const text = latin1(buf, start, windowEnd);
  const m = pattern.exec(text);
  if (!m || m.index !== 0 || m[1] === undefined) {
    return end - start >= PATTERN_WINDOW ? { kind: 'invalid', reason: 'pattern-mismatch' } : { kind: 'incomplete' };
  }
  const id = m[1];
  if (id.length === 0) return { kind: 'invalid', reason: 'empty' };
  if (id.length > maxLength) return { kind: 'invalid', reason: 'too-long' };
  for (let i = 0; i < id.length; i++) {
    if (!isPrintable(id.charCodeAt(i))) return { kind: 'invalid', reason: 'not-printable' };
  }
  const consumed = m[0].length;
  // A match that reaches the end of what we have might still grow with the next chunk.
  return start + consumed < end ? { kind: 'matched', id, consumed } : { kind: 'matched-if-idle', id, consumed };
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

function allPrintable(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isPrintable(buf[i]!)) return false;
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
