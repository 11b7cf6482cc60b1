import { describe, expect, it } from 'vitest';
import { writeCrc } from '../../../src/protocol/modbus/crc.js';
import type { InboundEvent } from '../../../src/simulator/inbound.js';
import { RtuRequestReader } from '../../../src/simulator/rtu-request-reader.js';

function rtu(hex: string): Buffer {
  const body = Buffer.from(hex, 'hex');
  const out = Buffer.alloc(body.length + 2);
  body.copy(out);
  writeCrc(out, body.length);
  return out;
}

function feed(reader: RtuRequestReader, chunks: Buffer[], atMs = 0): InboundEvent[] {
  const events: InboundEvent[] = [];
  for (const chunk of chunks) reader.push(chunk, atMs, (e) => events.push(e));
  return events;
}

const read = rtu('010307d0000a');
const write16 = rtu('011007da00020442620000');

describe('RtuRequestReader', () => {
  it('yields a request delivered byte by byte once its last byte arrives', () => {
    const reader = new RtuRequestReader(null, 1000);
    const bytes = [...read].map((b) => Buffer.from([b]));
    const events = feed(reader, bytes);
    expect(events).toEqual([{ kind: 'request', frame: read }]);
  });

  it('splits two requests that arrive in one chunk, using the byte count of fc 16', () => {
    const reader = new RtuRequestReader(null, 1000);
    expect(feed(reader, [Buffer.concat([write16, read])])).toEqual([
      { kind: 'request', frame: write16 },
      { kind: 'request', frame: read },
    ]);
  });

  it('drops a request whose CRC fails and still reads the next one', () => {
    const reader = new RtuRequestReader(null, 1000);
    const broken = Buffer.from(read);
    broken[7]! ^= 0xff;
    expect(feed(reader, [broken, read])).toEqual([
      { kind: 'bad-crc', bytes: 8 },
      { kind: 'request', frame: read },
    ]);
  });

  it('skips the server heartbeat reply before a request', () => {
    const reader = new RtuRequestReader(Buffer.from('OK'), 1000);
    expect(feed(reader, [Buffer.concat([Buffer.from('OK'), read])])).toEqual([
      { kind: 'heartbeat-reply' },
      { kind: 'request', frame: read },
    ]);
  });

  it('keeps a request that begins with the bytes of the heartbeat reply', () => {
    const reader = new RtuRequestReader(Buffer.from([0x01, 0x03]), 1000);
    expect(feed(reader, [read])).toEqual([{ kind: 'request', frame: read }]);
  });

  it('frames an unknown function code by its CRC so it can be refused', () => {
    const reader = new RtuRequestReader(null, 1000);
    const diagnostics = rtu('0108000000');
    expect(feed(reader, [diagnostics.subarray(0, 3), diagnostics.subarray(3), read])).toEqual([
      { kind: 'request', frame: diagnostics },
      { kind: 'request', frame: read },
    ]);
  });

  it('drops a stale partial request when the line was quiet longer than the gap', () => {
    const reader = new RtuRequestReader(null, 100);
    const events: InboundEvent[] = [];
    reader.push(read.subarray(0, 3), 0, (e) => events.push(e));
    reader.push(read, 500, (e) => events.push(e));
    expect(events).toEqual([
      { kind: 'garbage', bytes: 3 },
      { kind: 'request', frame: read },
    ]);
  });
});
