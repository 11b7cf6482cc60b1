// A viewer's frames are held for a moment and leave in one write to its TCP socket.
import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Budget } from '../../../src/web/live/live-budget.js';
import { LiveViewer } from '../../../src/web/live/live-viewer.js';
import { encodeTextFrames } from '../../../src/web/live/ws-text-frames.js';

const OPEN = 1;
const CLOSING = 2;

/** What happened to the socket and the stream under it, in order. */
function setUp() {
  const log: string[] = [];
  const writes: Buffer[] = [];
  const socket = Object.assign(new EventEmitter(), {
    readyState: OPEN,
    bufferedAmount: 0,
    send: (data: string | Buffer) => log.push(`ws.send ${data.toString()}`),
    close: (code: number) => log.push(`close ${code}`),
    terminate: () => undefined,
  });
  const stream = {
    write: (bytes: Buffer) => {
      writes.push(bytes);
      log.push(`write ${bytes.length}`);
      return true;
    },
  };
  const rate = { burst: 1, perSecond: 1 };
  const budget = new Budget(rate, rate, 0);
  const viewer = new LiveViewer(socket as unknown as WebSocket, {
    user: 'viewer',
    budget: { own: budget, user: budget },
    stillAuthorized: () => true,
    maxBufferedBytes: 1 << 20,
    stream,
    onDrop: () => undefined,
  });
  return { viewer, socket, writes, log };
}

const frames = (...texts: string[]) => encodeTextFrames(texts.map((t) => Buffer.from(t)));

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('a live viewer', () => {
  it('holds its frames for 50 ms and writes them to the socket at once', () => {
    const { viewer, writes, log } = setUp();
    viewer.send('{"n":1}');
    vi.advanceTimersByTime(30);
    viewer.send(Buffer.from('{"n":2}'));
    viewer.send('{"n":3}');
    vi.advanceTimersByTime(19);
    expect(writes).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(writes).toHaveLength(1);
    expect(writes[0]!.equals(frames('{"n":1}', '{"n":2}', '{"n":3}'))).toBe(true);
    expect(log.some((l) => l.startsWith('ws.send'))).toBe(false);
    // The next frame starts a new wait.
    viewer.send('{"n":4}');
    vi.advanceTimersByTime(50);
    expect(writes).toHaveLength(2);
  });

  it('writes at once when the frames held reach 64 KiB', () => {
    const { viewer, writes } = setUp();
    const big = 'x'.repeat(40 * 1024);
    viewer.send(big);
    expect(writes).toHaveLength(0);
    viewer.send(big);
    expect(writes).toHaveLength(1);
    expect(writes[0]!.equals(frames(big, big))).toBe(true);
  });

  it('writes what it holds before the close frame', () => {
    const { viewer, log } = setUp();
    viewer.send('{"n":1}');
    viewer.close(4008, 'too slow');
    expect(log).toEqual([`write ${frames('{"n":1}').length}`, 'close 4008']);
    expect(viewer.send('{"n":2}')).toBe(false);
  });

  it('drops what it holds once the socket is closing', () => {
    const { viewer, socket, writes } = setUp();
    viewer.send('{"n":1}');
    socket.readyState = CLOSING;
    vi.advanceTimersByTime(50);
    expect(writes).toHaveLength(0);
  });
});
