// server.yml s7 channels: defaults, addresses parsed and typed at load, and every wrong
// address, type and writable input reported at its line and field; docs/CHANNELS.md lists
// the same keys with the schema's defaults.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHANNEL_KEYS } from '../../../src/config/compile-channels.js';
import { loadServer, serverIssues } from './temp-config.js';

const SERVER = (tags: string, extra = '') => `version: 1
listeners:
  - { name: dtu, port: 22334, link: transparent }
channels:
  - name: plc
    type: s7
    host: 192.168.0.10
    device: PLC-01${extra}
    tags:
${tags}`;

const load = loadServer;
const issues = serverIssues;

describe('s7 channel config', () => {
  it('compiles tags with their defaults, canonical addresses and types', () => {
    const { server } = load(
      SERVER(`      - { name: temp, address: db1.dbw4, type: INT, scale: 0.1, unit: "°C", writable: true, min: -20, max: 120 }
      - { name: run, address: E0.1 }
      - { name: text, address: DB2.STRING0.16 }`),
    );
    expect(server.channels[0]).toMatchObject({
      type: 's7',
      host: '192.168.0.10',
      port: 102,
      rack: 0,
      slot: 1,
      everyMs: 30_000,
      timeoutMs: 10_000,
      connectTimeoutMs: 10_000,
      device: 'PLC-01',
      tags: [
        {
          name: 'temp',
          addressText: 'DB1.DBW4',
          type: 'int',
          scale: 0.1,
          offset: 0,
          writable: true,
          min: -20,
          max: 120,
        },
        { name: 'run', addressText: 'I0.1', type: 'bool', writable: false, address: { area: 'I', byte: 0, bit: 1 } },
        { name: 'text', addressText: 'DB2.STRING0.16', type: 'string', address: { stringLength: 16 } },
      ],
    });
  });

  it('reports every wrong address, type and writable input at its line and field', () => {
    expect(
      issues(
        SERVER(
          `      - { name: a, address: DB1.DBX4 }
      - { name: b, address: DB1.DBW6, type: real }
      - { name: c, address: I0.0, writable: true }
      - { name: d, address: MW10, type: float }
      - { name: a, address: MB1 }
      - { name: e, address: 40001 }
      - { name: f, address: DB1.DBW8, min: 10, max: 5 }
      - { name: g, address: DB1.dbw8 }`,
          '\n    rack: 9\n    url: http://x',
        ),
      ),
    ).toEqual([
      '9:channels[0].rack: must be ≤ 7',
      '10:channels[0].url: does not apply to a s7 channel',
      '12:channels[0].tags[0].address: DB1.DBX4 is a bit address and needs its bit: DB1.DBX4.0 to DB1.DBX4.7',
      '13:channels[0].tags[1].type: type real needs 4 bytes; DB1.DBW6 is a word (it takes word, uint, int)',
      "14:channels[0].tags[2].writable: I0.0 is an input: the PLC's input scan overwrites it, so it cannot be writable",
      '15:channels[0].tags[3].type: "float" is not an S7 type: one of bool, byte, usint, sint, word, uint, int, dword, udint, dint, real, string',
      '16:channels[0].tags[4].name: duplicate point name "a" (first at line 12)',
      '17:channels[0].tags[5].address: must be a string',
      '18:channels[0].tags[6].max: must be at least min (10)',
      '19:channels[0].tags[7].address: DB1.DBW8 is read by tag "f" already',
    ]);
  });

  it('needs host, device and tags', () => {
    expect(issues('version: 1\nlisteners: []\nchannels:\n  - { name: plc, type: s7 }\n')).toEqual([
      '4:channels[0]: a s7 channel needs host',
      '4:channels[0]: a s7 channel needs device',
      '4:channels[0]: a s7 channel needs tags',
    ]);
  });

  it('is documented in docs/CHANNELS.md with every key', () => {
    const doc = readFileSync(new URL('../../../docs/CHANNELS.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## Siemens S7'));
    const table = section.split(/\n\n/).find((part) => part.startsWith('| Field'))!;
    const keys = [...table.matchAll(/^\| ((?:`\w+`(?:, )?)+) \|/gm)].flatMap((m) =>
      [...m[1]!.matchAll(/`(\w+)`/g)].map((k) => k[1]!),
    );
    expect(keys.sort()).toEqual([...CHANNEL_KEYS.s7].sort());
  });
});
