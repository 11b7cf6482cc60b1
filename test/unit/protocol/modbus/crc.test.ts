import { describe, expect, it } from 'vitest';
import { crc16, hasValidCrc, writeCrc } from '../../../../src/protocol/modbus/crc.js';
import { hex, vectors } from './vectors.js';

describe('crc16', () => {
  it('matches the check values of the fixture', () => {
    expect(vectors.crc.length).toBeGreaterThan(0);
    for (const vector of vectors.crc) {
      const bytes = vector.ascii ? Buffer.from(vector.hex, 'ascii') : hex(vector.hex);
      const crc = crc16(bytes);
      if (vector.crc_le !== undefined) {
        // crc_le is the CRC as it goes on the wire, low byte first.
        expect(Buffer.from([crc & 0xff, crc >>> 8]).toString('hex')).toBe(vector.crc_le);
      }
      if (vector.crc16_modbus !== undefined) expect(crc.toString(16).padStart(4, '0')).toBe(vector.crc16_modbus);
    }
  });

  it('accepts every request, response and exception frame of the fixture', () => {
    const frames = [
      ...vectors.frames.flatMap((f) => [f.request, f.response]),
      ...vectors.exceptions.map((e) => e.response),
    ];
    for (const frame of frames) {
      const bytes = hex(frame);
      expect(hasValidCrc(bytes, 0, bytes.length), frame).toBe(true);
    }
  });

  it('rejects a frame with one flipped bit', () => {
    const bytes = hex(vectors.frames[0]!.response);
    bytes[4]! ^= 0x10;
    expect(hasValidCrc(bytes, 0, bytes.length)).toBe(false);
  });

  it('computes over a window of a larger buffer', () => {
    const frame = hex('010307d00064');
    const padded = Buffer.concat([Buffer.from([0xaa, 0xbb]), frame, Buffer.from([0xcc])]);
    expect(crc16(padded, 2, 2 + frame.length)).toBe(crc16(frame));
  });

  it('writes the CRC low byte first after the payload', () => {
    const buf = Buffer.alloc(8);
    hex('010307d00064').copy(buf);
    writeCrc(buf, 6);
    expect(buf.toString('hex')).toBe('010307d0006444ac');
  });
});
