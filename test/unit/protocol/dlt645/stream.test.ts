import { describe, expect, it } from 'vitest';
import { Dlt645Splitter, type Dlt645StreamItem, MAX_BUFFERED } from '../../../../src/protocol/dlt645/index.js';
import { bytes, vectors } from './vectors.js';

const ENERGY = bytes('68 66 55 44 33 22 11 68 91 08 33 33 34 33 AB 89 67 45 7B 16');
const VOLTAGE = bytes('68 66 55 44 33 22 11 68 91 06 33 34 34 35 34 55 25 16');

function frames(items: Dlt645StreamItem[]): string[] {
  return items.flatMap((item) => (item.kind === 'frame' ? [item.frame.bytes.toString('hex')] : []));
}

function pushAll(splitter: Dlt645Splitter, chunks: Buffer[]): Dlt645StreamItem[] {
  return chunks.flatMap((chunk) => splitter.push(chunk));
}

describe('DL/T 645 stream splitter', () => {
  it('finds every fixture frame and unmasks its data', () => {
    for (const vector of [...vectors.requests, ...vectors.answers]) {
      const wire = bytes(vector.hex);
      const items = new Dlt645Splitter().push(wire);
      expect(items).toHaveLength(1);
      const item = items[0]!;
      expect(item.kind).toBe('frame');
      if (item.kind !== 'frame') continue;
      const start = wire.indexOf(0x68);
      expect(item.frame.bytes.equals(wire.subarray(start))).toBe(true);
      expect(item.frame.data.length).toBe(wire[start + 9]);
    }
  });

  it('reads the address as printed and takes 33H off the data', () => {
    const [item] = new Dlt645Splitter().push(ENERGY);
    expect(item).toMatchObject({ kind: 'frame', frame: { address: '112233445566', control: 0x91 } });
    if (item?.kind === 'frame') expect(item.frame.data.toString('hex')).toBe('0000010078563412');
  });

  it('skips any number of wake-up bytes without reporting them', () => {
    const items = new Dlt645Splitter().push(Buffer.concat([Buffer.alloc(9, 0xfe), ENERGY]));
    expect(items.map((i) => i.kind)).toEqual(['frame']);
  });

  it('reports line noise before a frame as discarded and still finds the frame', () => {
    const items = new Dlt645Splitter().push(Buffer.concat([bytes('00 68 12 FF 16'), ENERGY]));
    expect(items).toEqual([{ kind: 'discarded', length: 5 }, expect.objectContaining({ kind: 'frame' })]);
  });

  it('joins a frame split at every point', () => {
    for (let cut = 1; cut < ENERGY.length; cut++) {
      const splitter = new Dlt645Splitter();
      const items = pushAll(splitter, [ENERGY.subarray(0, cut), ENERGY.subarray(cut)]);
      expect(frames(items)).toEqual([ENERGY.toString('hex')]);
      expect(splitter.buffered).toBe(0);
    }
  });

  it('joins a frame fed one byte at a time', () => {
    const items = pushAll(
      new Dlt645Splitter(),
      [...ENERGY].map((b) => Buffer.of(b)),
    );
    expect(frames(items)).toEqual([ENERGY.toString('hex')]);
  });

  it('returns two frames that arrive in one chunk, in order', () => {
    const items = new Dlt645Splitter().push(Buffer.concat([ENERGY, bytes('FE FE'), VOLTAGE]));
    expect(frames(items)).toEqual([ENERGY.toString('hex'), VOLTAGE.toString('hex')]);
  });

  it('takes a checksum of 16H for a checksum, not for the end', () => {
    const pf = bytes(vectors.answers.find((v) => v.name.includes('power factor'))!.hex);
    expect(frames(new Dlt645Splitter().push(pf))).toEqual([pf.toString('hex')]);
  });

  for (const vector of vectors.malformed) {
    it(`reports a malformed frame: ${vector.name}`, () => {
      const items = new Dlt645Splitter().push(bytes(vector.hex));
      expect(items[0]).toEqual({ kind: 'malformed', reason: vector.reason });
      expect(frames(items)).toEqual([]);
    });
  }

  it('finds a good frame that follows a frame with a bad checksum', () => {
    const bad = Buffer.from(ENERGY);
    bad[ENERGY.length - 2] = ENERGY[ENERGY.length - 2]! ^ 0x01;
    const items = new Dlt645Splitter().push(Buffer.concat([bad, VOLTAGE]));
    expect(items[0]).toEqual({ kind: 'malformed', reason: 'checksum' });
    expect(frames(items)).toEqual([VOLTAGE.toString('hex')]);
  });

  it('does not hold an answer back behind a header that lost its tail', () => {
    const truncated = bytes('68 66 55 44 33 22 11 68 91 C8 33 33');
    const splitter = new Dlt645Splitter();
    expect(splitter.push(truncated)).toEqual([]);
    const items = splitter.push(Buffer.concat([bytes('FE FE'), VOLTAGE]));
    expect(items[0]).toEqual({ kind: 'malformed', reason: 'truncated' });
    expect(frames(items)).toEqual([VOLTAGE.toString('hex')]);
    expect(splitter.buffered).toBe(0);
  });

  it('holds no more than one frame of bytes, whatever arrives', () => {
    const splitter = new Dlt645Splitter();
    splitter.push(Buffer.alloc(10_000, 0x00));
    expect(splitter.buffered).toBe(0);
    splitter.push(Buffer.alloc(10_000, 0xfe));
    expect(splitter.buffered).toBe(0);
    // A header promising 200 bytes that never come, then endless 68s.
    splitter.push(bytes('68 66 55 44 33 22 11 68 91 C8'));
    splitter.push(Buffer.alloc(5_000, 0x68));
    expect(splitter.buffered).toBeLessThanOrEqual(MAX_BUFFERED);
  });

  it('forgets a partial frame on reset', () => {
    const splitter = new Dlt645Splitter();
    splitter.push(ENERGY.subarray(0, 12));
    expect(splitter.buffered).toBe(12);
    splitter.reset();
    expect(splitter.buffered).toBe(0);
    expect(frames(splitter.push(ENERGY.subarray(12)))).toEqual([]);
  });
});
