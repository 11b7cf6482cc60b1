// server.yml `type: mc` channels: addresses read in their device kind's radix, types
// defaulted and matched to bit or word devices, and every problem at once with line and field.
import { describe, expect, it } from 'vitest';
import { channelFeeds } from '../../../src/channels/channel-target.js';
import { loadServer, serverIssues } from './temp-config.js';

const SERVER = (channel: string) => `version: 1
listeners:
  - { name: dtu, port: 22334, link: transparent }
channels:
  - name: plc
    type: mc
    host: 192.168.3.39
    port: 5007
    device: PLC-01
${channel}`;

const load = loadServer;
const issues = serverIssues;

describe('mc channel config', () => {
  it('compiles tags with their device numbers and default types', () => {
    const { server } = load(
      SERVER(`    frame: ascii
    tags:
      - { name: temp, address: d100, scale: 0.1, unit: "°C" }
      - { name: input, address: X1F }
      - { name: link, address: W1A, type: uint16 }
      - { name: flow, address: R2000, type: float32 }`),
    );
    expect(server.channels[0]).toMatchObject({
      type: 'mc',
      frame: 'ascii',
      frameType: '3e',
      everyMs: 30_000,
      timeoutMs: 10_000,
      tags: [
        { name: 'temp', address: 'D100', kind: 'D', number: 100, type: 'int16', scale: 0.1, offset: 0, unit: '°C' },
        { name: 'input', address: 'X1F', kind: 'X', number: 31, type: 'bit' },
        { name: 'link', address: 'W1A', kind: 'W', number: 26, type: 'uint16' },
        { name: 'flow', address: 'R2000', kind: 'R', number: 2000, type: 'float32' },
      ],
    });
  });

  it('takes frameType 4e, and reports any other frame type with its line', () => {
    const tags = `    tags:
      - { name: temp, address: D100 }`;
    const channel = load(SERVER(`    frameType: 4e\n${tags}`)).server.channels[0]!;
    expect(channel).toMatchObject({ frame: 'binary', frameType: '4e' });
    // What check-config prints for it.
    expect(channelFeeds(channel)).toBe('device PLC-01, 1 tag, binary 4E frame');
    expect(issues(SERVER(`    frameType: 3E\n${tags}`))).toEqual(['10:channels[0].frameType: must be one of: 3e, 4e']);
    expect(issues(SERVER(`    frameType: 5e\n${tags}`))).toEqual(['10:channels[0].frameType: must be one of: 3e, 4e']);
  });

  it('reports bad addresses, types that do not fit the device and missing keys, each with its line', () => {
    expect(
      issues(
        SERVER(`    frame: hex
    points: []
    tags:
      - { name: a, address: D1A }
      - { name: b, address: Z100 }
      - { name: c, address: M5, type: int16 }
      - { name: d, address: D5, type: bit }
      - { name: a, address: D6 }
      - { name: e, address: D7, writable: true }
      - { name: f, address: D8, type: real }`),
      ),
    ).toEqual([
      '10:channels[0].frame: must be one of: binary, ascii',
      '11:channels[0].points: must not be empty',
      '11:channels[0].points: does not apply to a mc channel',
      '13:channels[0].tags[0].address: "D1A": D numbers are decimal',
      '14:channels[0].tags[1].address: "Z100": device Z is not one of X, Y, M, D, W, R',
      '15:channels[0].tags[2].type: M is a bit device: its tags are type bit',
      '16:channels[0].tags[3].type: D is a word device: int16, uint16, int32, uint32 or float32, not bit',
      '17:channels[0].tags[4].name: duplicate point name "a" (first at line 13)',
      '18:channels[0].tags[5].writable: is an s7 tag key: mc tags take name, address, type, scale, offset, decimals, unit',
      '19:channels[0].tags[6].type: must be one of bit, int16, uint16, int32, uint32, float32',
    ]);
  });
});
