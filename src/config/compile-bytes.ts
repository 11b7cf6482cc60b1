// Byte patterns written as `{ ascii: "HB" }`, `{ hex: "fe01" }` or a plain string.
import type { HeartbeatRule } from '../domain/config.js';
import type { YamlPath } from './errors.js';
import { asMap, isRawMap } from './raw.js';
import { parseAscii, parseHex } from './units.js';
import type { IssueSink } from './yaml-source.js';

export type Encoding = 'ascii' | 'hex';

/**
 * Text of a scalar as the user wrote it: an unquoted `hex: 0102` arrives as the number 102,
 * but the bytes meant are 01 02.
 */
function textOf(value: unknown, at: YamlPath, sink: IssueSink): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return sink.sourceText(at) ?? String(value);
  return null;
}

export function encodedBytes(value: unknown, encoding: Encoding, at: YamlPath, sink: IssueSink): Buffer | null {
  const text = textOf(value, at, sink);
  if (text === null) return null;
  const bytes = encoding === 'ascii' ? parseAscii(text) : parseHex(text);
  // Strings were format-checked by the schema; a number's source text was not.
  if (bytes === null && typeof value === 'number') sink.add(at, `must be hex bytes like "fe01" (${text} is not)`);
  return bytes;
}

/** `{ ascii }` or `{ hex }`: exactly one must be given. */
export function bytesObject(raw: unknown, at: YamlPath, sink: IssueSink): Buffer | null {
  const m = asMap(raw);
  const given = (['ascii', 'hex'] as const).filter((k) => m[k] !== undefined && m[k] !== null);
  if (given.length !== 1) {
    sink.add(at, given.length === 0 ? 'needs ascii: "..." or hex: "..."' : 'give either ascii or hex, not both');
    return null;
  }
  const encoding = given[0]!;
  return encodedBytes(m[encoding], encoding, [...at, encoding], sink);
}

/** A plain string in the rule's own encoding, or `{ ascii | hex }`. */
export function bytesField(raw: unknown, ownEncoding: Encoding, at: YamlPath, sink: IssueSink): Buffer | null {
  if (raw === undefined || raw === null) return null;
  if (isRawMap(raw)) return bytesObject(raw, at, sink);
  const bytes = encodedBytes(raw, ownEncoding, at, sink);
  // A plain string was not format-checked by the schema (its encoding depends on the rule).
  if (bytes === null && typeof raw === 'string') {
    sink.add(at, ownEncoding === 'hex' ? 'must be hex bytes like "aa55"' : 'must be ASCII text');
  }
  return bytes;
}

/** `{ ascii|hex, reply?: { ascii|hex } }`; null or absent means no heartbeat. */
export function compileHeartbeat(raw: unknown, at: YamlPath, sink: IssueSink): HeartbeatRule | null {
  if (raw === undefined || raw === null || !isRawMap(raw)) return null;
  const { reply, ...patternPart } = raw;
  const pattern = bytesObject(patternPart, at, sink);
  const replyBytes = reply === undefined || reply === null ? null : bytesObject(reply, [...at, 'reply'], sink);
  return pattern ? { pattern, reply: replyBytes } : null;
}
