// One entry of `links:` → LinkConfig: how DTUs on a listener register, beat and frame.
import type { LinkConfig, RegistrationRule, TypedFramingConfig } from '../domain/config.js';
import { bytesField, compileHeartbeat } from './compile-bytes.js';
import { DEFAULT_ASCII_MAX_LENGTH, DEFAULT_INTEGER_ID } from './defaults.js';
import type { YamlPath } from './errors.js';
import { int, isRawMap, oneOf, str, type RawMap } from './raw.js';
import type { LinkYaml, TypedYaml } from './schema/points.schema.js';
import { captureGroupCount, compileRegex, regexError } from './units.js';
import type { IssueSink } from './yaml-source.js';

export function compileLink(name: string, raw: LinkYaml, at: YamlPath, sink: IssueSink): LinkConfig | null {
  const { framing } = raw;
  const registration = compileRegistration(raw.registration, [...at, 'registration'], sink);
  const heartbeat = compileHeartbeat(raw.heartbeat, [...at, 'heartbeat'], sink);
  // The schema fills `typed` in on every link: only one written in the file counts.
  if (framing !== 'typed' && sink.written([...at, 'typed'])) {
    sink.add([...at, 'typed'], `only applies to framing: typed (this link is ${framing})`);
  }
  if (registration === null) return null;
  return {
    name,
    framing,
    registration,
    heartbeat,
    unknownIds: raw.unknownIds,
    duplicateIds: raw.duplicateIds,
    typed: framing === 'typed' ? compileTyped(raw.typed) : null,
  };
}

function compileTyped(typed: TypedYaml): TypedFramingConfig {
  return {
    heartbeatType: typed.heartbeatType,
    dataType: typed.dataType,
    modbusType: typed.modbusType,
    ackRegistration: typed.acks.registration,
    ackHeartbeat: typed.acks.heartbeat,
    ackData: typed.acks.data,
  };
}

/** Absent: printable ASCII up to 40 bytes, sent once (the factory setting of most DTUs). */
export function compileRegistration(raw: unknown, at: YamlPath, sink: IssueSink): RegistrationRule | null {
  if (raw === undefined || raw === null) {
    return {
      type: 'ascii',
      mode: 'once',
      maxLength: DEFAULT_ASCII_MAX_LENGTH,
      length: null,
      pattern: null,
      terminator: null,
    };
  }
  if (!isRawMap(raw)) return null;
  const mode = oneOf(raw, 'mode', ['once', 'every-packet'] as const) ?? 'once';
  switch (raw['type']) {
    case 'ascii':
      return compileAscii(raw, mode, at, sink);
    case 'hex': {
      const length = int(raw, 'length');
      if (length === undefined) return null;
      return { type: 'hex', mode, length, prefix: bytesField(raw['prefix'], 'hex', [...at, 'prefix'], sink) };
    }
    case 'integer':
      return {
        type: 'integer',
        mode,
        bytes: oneOf(raw, 'bytes', [2, 4, 8] as const) ?? DEFAULT_INTEGER_ID.bytes,
        endian: oneOf(raw, 'endian', ['big', 'little'] as const) ?? DEFAULT_INTEGER_ID.endian,
      };
    case 'fixed': {
      // Convenience spelling of a fixed-length ID, compiled to the ascii or hex rule.
      const length = int(raw, 'length');
      const encoding = oneOf(raw, 'encoding', ['ascii', 'hex'] as const);
      if (length === undefined || encoding === undefined) return null;
      if (encoding === 'hex') return { type: 'hex', mode, length, prefix: null };
      return { type: 'ascii', mode, maxLength: length, length, pattern: null, terminator: null };
    }
    default:
      return null;
  }
}

function compileAscii(raw: RawMap, mode: 'once' | 'every-packet', at: YamlPath, sink: IssueSink): RegistrationRule {
  const maxLength = int(raw, 'maxLength') ?? DEFAULT_ASCII_MAX_LENGTH;
  const length = int(raw, 'length') ?? null;
  if (length !== null && length > maxLength) sink.add([...at, 'length'], `must be ≤ maxLength (${maxLength})`);

  let pattern: RegExp | null = null;
  const source = str(raw, 'pattern');
  if (source !== undefined && regexError(source) === null) {
    if (captureGroupCount(source) < 1)
      sink.add([...at, 'pattern'], 'needs a capture group: group 1 is the device ID, e.g. "^ID:(\\w+)"');
    else pattern = compileRegex(source);
  }
  const terminator = bytesField(raw['terminator'], 'ascii', [...at, 'terminator'], sink);
  const ways = [length !== null, pattern !== null, terminator !== null].filter(Boolean).length;
  if (ways > 1) sink.add(at, 'give at most one of length, pattern and terminator');
  return { type: 'ascii', mode, maxLength, length, pattern, terminator };
}
