// One entry of `links:` → LinkConfig: how DTUs on a listener register, beat and frame.
import type { IntegerRegistration, LinkConfig, RegistrationRule, TypedFramingConfig } from '../domain/config.js';
import { bytesField, compileHeartbeat } from './compile-bytes.js';
import { ms } from './durations.js';
import type { YamlPath } from './errors.js';
import type { DurationText } from './schema/common.js';
import type { LinkYaml, RegistrationYaml, TypedYaml } from './schema/points.schema.js';
import { captureGroupCount, compileRegex } from './units.js';
import type { IssueSink } from './yaml-source.js';

export function compileLink(name: string, raw: LinkYaml, at: YamlPath, sink: IssueSink): LinkConfig | null {
  const { framing } = raw;
  const registration = compileRegistration(raw.registration, [...at, 'registration'], sink);
  // A rule the schema rejected whole was replaced by the default: the link is left out
  // instead, as a broken rule cannot say how its DTUs register.
  const regAt = [...at, 'registration'];
  const replaced = sink.written(regAt) && sink.sourceText([...regAt, 'type']) !== raw.registration.type;
  const heartbeat = compileHeartbeat(raw.heartbeat, [...at, 'heartbeat'], sink);
  // The schema fills `typed` in on every link: only one written in the file counts.
  if (framing !== 'typed' && sink.written([...at, 'typed'])) {
    sink.add([...at, 'typed'], `only applies to framing: typed (this link is ${framing})`);
  }
  if (replaced) return null;
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

export function compileRegistration(r: RegistrationYaml, at: YamlPath, sink: IssueSink): RegistrationRule {
  switch (r.type) {
    case 'ascii':
      return compileAscii(r, at, sink);
    case 'hex':
      return {
        type: 'hex',
        mode: r.mode,
        length: r.length,
        prefix: bytesField(r.prefix, 'hex', [...at, 'prefix'], sink),
      };
    case 'integer':
      return compileInteger(r, at, sink);
    case 'fixed':
      // Convenience spelling of a fixed-length ID, compiled to the ascii or hex rule.
      if (r.encoding === 'hex') return { type: 'hex', mode: r.mode, length: r.length, prefix: null };
      return {
        type: 'ascii',
        mode: r.mode,
        maxLength: r.length,
        minLength: r.length,
        quietGapMs: 0,
        length: r.length,
        pattern: null,
        terminator: null,
      };
  }
}

function compileInteger(r: RegistrationYaml & { type: 'integer' }, at: YamlPath, sink: IssueSink): RegistrationRule {
  const rule: IntegerRegistration = { type: 'integer', mode: r.mode, bytes: r.bytes, endian: r.endian };
  const largest = 2 ** (r.bytes * 8) - 1;
  const { min, max } = r;
  if (max !== undefined && max > largest) sink.add([...at, 'max'], `must fit in ${r.bytes} bytes (≤ ${largest})`);
  if (min !== undefined && min > (max ?? largest)) sink.add([...at, 'min'], `must be ≤ max (${max ?? largest})`);
  // Absent bounds stay absent: no bound.
  return { ...rule, ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) };
}

function compileAscii(r: RegistrationYaml & { type: 'ascii' }, at: YamlPath, sink: IssueSink): RegistrationRule {
  const { maxLength, minLength, mode } = r;
  const length = r.length ?? null;
  if (length !== null && length > maxLength) sink.add([...at, 'length'], `must be ≤ maxLength (${maxLength})`);
  if (minLength > maxLength) sink.add([...at, 'minLength'], `must be ≤ maxLength (${maxLength})`);
  const quietGapMs = ms(r.quietGap as DurationText);

  let pattern: RegExp | null = null;
  if (r.pattern !== undefined) {
    if (captureGroupCount(r.pattern) < 1)
      sink.add([...at, 'pattern'], 'needs a capture group: group 1 is the device ID, e.g. "^ID:(\\w+)"');
    else pattern = compileRegex(r.pattern);
  }
  const terminator = bytesField(r.terminator, 'ascii', [...at, 'terminator'], sink);
  const ways = [length !== null, pattern !== null, terminator !== null].filter(Boolean).length;
  if (ways > 1) sink.add(at, 'give at most one of length, pattern and terminator');
  return { type: 'ascii', mode, maxLength, minLength, quietGapMs, length, pattern, terminator };
}
