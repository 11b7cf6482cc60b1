import { describe, expect, it } from 'vitest';
import { scanUnsolicited, type UnsolicitedScan } from '../../../../src/protocol/modbus/unsolicited.js';
import { frameNamed, hex, vectors } from './vectors.js';

/** Splits a stream the way a session in unsolicited mode would: skip a byte on 'invalid'. */
function splitStream(buf: Buffer): { frames: UnsolicitedScan[]; skipped: number; rest: number } {
  const frames: UnsolicitedScan[] = [];
  let at = 0;
  let skipped = 0;
  while (at < buf.length) {
    const scan = scanUnsolicited(buf, at, buf.length);
    if (scan.kind === 'incomplete') break;
    if (scan.kind === 'invalid') {
      at++;
      skipped++;
      continue;
    }
    frames.push(scan);
    at += scan.length;
  }
  return { frames, skipped, rest: buf.length - at };
}

describe('scanUnsolicited', () => {
  it('frames every fixture response on its own, taking the length from function and byte count', () => {
    for (const frame of vectors.frames) {
      const response = hex(frame.response);
      const scan = scanUnsolicited(response, 0, response.length);
      expect(scan, frame.name).toMatchObject({
        kind: 'frame',
        length: response.length,
        slave: frame.slave,
        fn: response[1],
      });
    }
  });

  it('reports where the data of a read starts and how long it is', () => {
    const response = hex(frameNamed('fc04 read input 0x3').response);
    expect(scanUnsolicited(response, 0, response.length)).toEqual({
      kind: 'frame',
      length: 11,
      slave: 17,
      fn: 4,
      byteCount: 6,
      dataOffset: 3,
    });
  });

  it('recognises every fixture exception', () => {
    for (const vector of vectors.exceptions) {
      const response = hex(vector.response);
      expect(scanUnsolicited(response, 0, response.length)).toEqual({
        kind: 'exception',
        length: 5,
        slave: 1,
        fn: vector.function,
        code: vector.code,
      });
    }
  });

  it('waits for the whole frame when it arrives byte by byte', () => {
    const response = hex(frameNamed('fc03 read holding 2200x15 (user example)').response);
    for (let end = 0; end < response.length; end++) {
      expect(scanUnsolicited(response, 0, end).kind).toBe('incomplete');
    }
    expect(scanUnsolicited(response, 0, response.length).kind).toBe('frame');
  });

  it('finds two frames merged in one buffer', () => {
    const first = hex(frameNamed('fc03 read holding 2000x10').response);
    const second = hex(frameNamed('fc04 read input 0x3').response);
    const { frames, skipped, rest } = splitStream(Buffer.concat([first, second]));
    expect(frames).toEqual([
      { kind: 'frame', length: 25, slave: 1, fn: 3, byteCount: 20, dataOffset: 3 },
      { kind: 'frame', length: 11, slave: 17, fn: 4, byteCount: 6, dataOffset: 28 },
    ]);
    expect(skipped).toBe(0);
    expect(rest).toBe(0);
  });

  it('resynchronises after garbage between frames', () => {
    const first = hex(frameNamed('fc01 read coils 19x19').response);
    const exception = hex(vectors.exceptions[0]!.response);
    const second = hex(frameNamed('fc04 read input 0x3').response);
    // 0xfa, 0xfb and 0x00 are no slave addresses; 0x07 and 0xfb no function we know.
    const garbage = hex('fa0107fb00');
    const stream = Buffer.concat([garbage, first, garbage, exception, second]);
    const { frames, skipped, rest } = splitStream(stream);
    expect(frames.map((f) => f.kind)).toEqual(['frame', 'exception', 'frame']);
    expect(frames[0]).toMatchObject({ fn: 1, byteCount: 3, dataOffset: garbage.length + 3 });
    expect(frames[2]).toMatchObject({ slave: 17, fn: 4 });
    expect(skipped).toBe(2 * garbage.length);
    expect(rest).toBe(0);
  });

  it('waits on a plausible garbage header until its CRC can fail, then resynchronises', () => {
    const frame = hex(frameNamed('fc04 read input 0x3').response);
    // "03 02 11" claims 17 data bytes: nothing can be decided before 22 bytes are there.
    const garbage = hex('030211');
    const early = Buffer.concat([garbage, frame]);
    expect(scanUnsolicited(early, 0, early.length)).toEqual({ kind: 'incomplete' });
    const later = Buffer.concat([garbage, frame, frame]);
    const { frames, skipped } = splitStream(later);
    expect(skipped).toBe(3);
    expect(frames).toHaveLength(2);
  });

  it('rejects impossible byte counts at once instead of waiting for them', () => {
    expect(scanUnsolicited(hex('010303'), 0, 3)).toEqual({ kind: 'invalid' }); // odd for registers
    expect(scanUnsolicited(hex('010300'), 0, 3)).toEqual({ kind: 'invalid' });
    expect(scanUnsolicited(hex('0101fb'), 0, 3)).toEqual({ kind: 'invalid' }); // more than 250
    expect(scanUnsolicited(hex('0107'), 0, 2)).toEqual({ kind: 'invalid' });
    expect(scanUnsolicited(hex('f803'), 0, 2)).toEqual({ kind: 'invalid' }); // slave 248
  });

  it('frames a pushed write echo with its four echoed bytes', () => {
    const echo = hex(frameNamed('fc06 write single register 2001=3').response);
    expect(scanUnsolicited(echo, 0, 8)).toEqual({
      kind: 'frame',
      length: 8,
      slave: 1,
      fn: 6,
      byteCount: 4,
      dataOffset: 2,
    });
  });
});
