import { describe, expect, it } from 'vitest';
import { compiledAsciiDefaults } from '../../helpers/links.js';
import type { LinkConfig } from '../../../src/domain/config.js';
import { type ConfigError } from '../../../src/config/errors.js';
import { loadConfig } from '../../../src/config/load.js';
import { MINIMAL_SERVER, withConfigDir } from './temp-config.js';

function pointsWithLink(link: string): string {
  return `version: 1
links:
  transparent:
${link}
profiles:
  station:
    tasks: [{ name: all, points: all, every: 30s }]
    points: [{ name: t, address: 0, type: int16 }]
devices:
  - default: station
`;
}

function loadLink(link: string): LinkConfig {
  return withConfigDir({ server: MINIMAL_SERVER, points: pointsWithLink(link) }, (dir) =>
    loadConfig(dir, {}),
  ).points.links.get('transparent')!;
}

function linkIssues(link: string): string[] {
  return withConfigDir({ server: MINIMAL_SERVER, points: pointsWithLink(link) }, (dir) => {
    try {
      loadConfig(dir, {});
      return [];
    } catch (err) {
      return (err as ConfigError).issues.map((i) => `${i.line}:${i.column} ${i.field}: ${i.message}`);
    }
  });
}

describe('link settings', () => {
  it('defaults to a once-sent ASCII ID of up to 40 bytes, no heartbeat, accept and replace', () => {
    expect(loadLink('    framing: transparent')).toEqual({
      name: 'transparent',
      framing: 'transparent',
      registration: compiledAsciiDefaults,
      heartbeat: null,
      unknownIds: 'accept',
      duplicateIds: 'replace',
      typed: null,
    });
  });

  it('compiles an ASCII ID with a pattern or a terminator', () => {
    const patterned = loadLink(
      '    framing: transparent\n    registration: { type: ascii, pattern: "^ID:(\\\\w{4,20})", mode: every-packet }',
    );
    expect(patterned.registration).toMatchObject({ type: 'ascii', mode: 'every-packet' });
    expect(patterned.registration.type === 'ascii' && patterned.registration.pattern?.exec('ID:DTU01001')?.[1]).toBe(
      'DTU01001',
    );

    const terminated = loadLink('    framing: transparent\n    registration: { type: ascii, terminator: "\\r\\n" }');
    expect(terminated.registration).toMatchObject({ terminator: Buffer.from('\r\n') });
  });

  it('compiles hex IDs with a prefix, and fixed-length IDs to ascii or hex', () => {
    expect(
      loadLink('    framing: transparent\n    registration: { type: hex, length: 6, prefix: aa55 }').registration,
    ).toEqual({
      type: 'hex',
      mode: 'once',
      length: 6,
      prefix: Buffer.from([0xaa, 0x55]),
    });
    expect(
      loadLink('    framing: transparent\n    registration: { type: fixed, length: 15, encoding: ascii }').registration,
    ).toEqual({
      type: 'ascii',
      mode: 'once',
      maxLength: 15,
      minLength: 15,
      quietGapMs: 0,
      length: 15,
      pattern: null,
      terminator: null,
    });
    expect(
      loadLink('    framing: transparent\n    registration: { type: fixed, length: 8, encoding: hex }').registration,
    ).toEqual({
      type: 'hex',
      mode: 'once',
      length: 8,
      prefix: null,
    });
  });

  it('reads an unquoted hex heartbeat as written, digits and all', () => {
    const link = loadLink('    framing: transparent\n    heartbeat: { hex: 0102, reply: { ascii: OK } }');
    expect(link.heartbeat).toEqual({ pattern: Buffer.from([0x01, 0x02]), reply: Buffer.from('OK') });
  });

  it('rejects an unquoted number that is not whole hex bytes', () => {
    expect(linkIssues('    framing: transparent\n    heartbeat: { hex: 123 }')).toEqual([
      '5:18 links.transparent.heartbeat.hex: must be hex bytes like "fe01" (123 is not)',
    ]);
  });

  it('fills in the typed framing defaults when a typed link gives none', () => {
    const link = loadLink('    framing: typed\n    registration: { type: integer }');
    expect(link.registration).toEqual({ type: 'integer', mode: 'once', bytes: 4, endian: 'big' });
    expect(link.typed).toEqual({
      heartbeatType: 0x02,
      dataType: 0x03,
      modbusType: 0x04,
      ackRegistration: 0x01,
      ackHeartbeat: 0x02,
      ackData: 0x03,
    });
  });

  it('lets a typed link switch individual acks off with null', () => {
    const link = loadLink('    framing: typed\n    typed: { dataType: 0x13, acks: { heartbeat: null } }');
    expect(link.typed).toMatchObject({ dataType: 0x13, ackRegistration: 0x01, ackHeartbeat: null, ackData: 0x03 });
  });

  it('reports contradictory or malformed link settings', () => {
    expect(
      linkIssues('    framing: transparent\n    registration: { type: ascii, length: 8, terminator: "\\r\\n" }'),
    ).toEqual(['5:5 links.transparent.registration: give at most one of length, pattern and terminator']);
    expect(
      linkIssues(`    framing: transparent
    registration: { type: ascii, pattern: "^ID:\\\\w+", length: 8, maxLength: 4 }
    heartbeat: { ascii: HB, hex: "4842" }
    typed: { dataType: 3 }`),
    ).toEqual([
      '5:34 links.transparent.registration.pattern: needs a capture group: group 1 is the device ID, e.g. "^ID:(\\w+)"',
      '5:55 links.transparent.registration.length: must be ≤ maxLength (4)',
      '6:5 links.transparent.heartbeat: give either ascii or hex, not both',
      '7:5 links.transparent.typed: only applies to framing: typed (this link is transparent)',
    ]);
    expect(
      linkIssues(
        '    framing: transparent\n    heartbeat: { hex: "f0f" }\n    registration: { type: hex, length: 4, prefix: zz }',
      ),
    ).toEqual([
      '5:18 links.transparent.heartbeat.hex: must be hex bytes like "fe01"',
      '6:43 links.transparent.registration.prefix: must be hex bytes like "aa55"',
    ]);
  });
});
