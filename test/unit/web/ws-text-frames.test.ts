import { describe, expect, it } from 'vitest';
import * as ws from 'ws';
import { encodeTextFrames } from '../../../src/web/live/ws-text-frames.js';

/** The frame ws itself would send for `payload` from a server. */
function wsFrame(payload: Buffer): Buffer {
  const options = { fin: true, opcode: 1, mask: false, readOnly: true, rsv1: false };
  // ws's own framing (exported, not in its type definitions).
  const { Sender } = ws as unknown as { Sender: { frame(d: Buffer, o: object): Buffer[] } };
  return Buffer.concat(Sender.frame(payload, options));
}

/** Decodes frames with ws's own receiver, as a browser's would. */
function receive(bytes: Buffer): Promise<string[]> {
  const { Receiver } = ws as unknown as { Receiver: new (o: object) => NodeJS.WritableStream };
  const receiver = new Receiver({ isServer: false, binaryType: 'nodebuffer' });
  const texts: string[] = [];
  receiver.on('message', (data: Buffer, isBinary: boolean) => texts.push(isBinary ? 'binary!' : data.toString()));
  return new Promise((resolve, reject) => {
    receiver.on('error', reject);
    receiver.write(bytes, () => setImmediate(() => resolve(texts)));
  });
}

describe('WebSocket text frames', () => {
  it('frame a short payload with a one-byte length', () => {
    expect([...encodeTextFrames([Buffer.from('{"a":1}')])]).toEqual([0x81, 7, ...Buffer.from('{"a":1}')]);
  });

  it('use a 16-bit length from 126 bytes and a 64-bit one from 65,536', () => {
    expect([...encodeTextFrames([Buffer.alloc(126, 0x61)]).subarray(0, 4)]).toEqual([0x81, 126, 0, 126]);
    expect([...encodeTextFrames([Buffer.alloc(65_535, 0x61)]).subarray(0, 4)]).toEqual([0x81, 126, 0xff, 0xff]);
    expect([...encodeTextFrames([Buffer.alloc(65_536, 0x61)]).subarray(0, 10)]).toEqual([
      0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0,
    ]);
  });

  it('are the bytes ws sends, one frame after the other', () => {
    const payloads = [0, 1, 125, 126, 127, 65_535, 65_536, 70_000].map((n) => Buffer.alloc(n, 0x62));
    expect(encodeTextFrames(payloads).equals(Buffer.concat(payloads.map(wsFrame)))).toBe(true);
  });

  it('decode as the same messages in a WebSocket client', async () => {
    const texts = ['{"type":"hello"}', 'ü'.repeat(200), 'x'.repeat(70_000), ''];
    expect(await receive(encodeTextFrames(texts.map((t) => Buffer.from(t))))).toEqual(texts);
  });
});
