// One MC connection's request queue with fake timers and a fake socket: in a 4E frame a late
// answer gives itself away by its serial number, even when it arrives while the next
// request is in flight; in a 3E frame only the quiet period after a timeout keeps it apart.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { McTransport, type McOutcome } from '../../../src/channels/mc/mc-transport.js';
import { MC_COMMAND, MC_DEVICE_KINDS, OWN_STATION, type McFrameFormat } from '../../../src/protocol/mc/index.js';

const READ = { command: MC_COMMAND.batchRead, unit: 'word', kind: MC_DEVICE_KINDS.D, head: 100, points: 1 } as const;
const TIMEOUT = 100;

/** A one-word answer to the own station, written out field by field (iQ-R §5.2). */
function answer(format: McFrameFormat, serial: number | null, word: number): Buffer {
  const hex = (n: number, digits: number) => n.toString(16).toUpperCase().padStart(digits, '0');
  if (format === 'ascii') {
    const sub = serial === null ? 'D000' : `D400${hex(serial, 4)}0000`;
    return Buffer.from(`${sub}00FF03FF000008` + `0000${hex(word, 4)}`, 'latin1');
  }
  const sub = serial === null ? [0xd0, 0x00] : [0xd4, 0x00, serial & 0xff, serial >> 8, 0x00, 0x00];
  return Buffer.from([...sub, 0x00, 0xff, 0xff, 0x03, 0x00, 0x04, 0x00, 0x00, 0x00, word & 0xff, word >> 8]);
}

/** The serial number a 4E request carries. */
function serialOf(format: McFrameFormat, request: Buffer): number {
  return format === 'binary' ? request.readUInt16LE(2) : parseInt(request.toString('latin1', 4, 8), 16);
}

function transport(format: McFrameFormat, frame: '3e' | '4e') {
  const sent: Buffer[] = [];
  const discarded: string[] = [];
  const t = new McTransport({
    format,
    frame,
    destination: OWN_STATION,
    timeoutMs: TIMEOUT,
    send: (bytes) => sent.push(bytes),
    discarded: (problem) => discarded.push(problem),
  });
  return { t, sent, discarded };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe.each(['binary', 'ascii'] as const)('the MC transport, %s code', (format) => {
  it('4E: discards a late answer with the previous serial while the next request is in flight', async () => {
    const { t, sent, discarded } = transport(format, '4e');
    const first = t.request(READ);
    const second = t.request(READ);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.toString(format === 'binary' ? 'hex' : 'latin1', 0, format === 'binary' ? 2 : 4)).toBe('5400');

    await vi.advanceTimersByTimeAsync(TIMEOUT);
    expect(await first).toEqual({ kind: 'timeout' });
    // No quiet period: the next request goes out at once, with the next serial.
    expect(sent).toHaveLength(2);
    const [old, current] = sent.map((b) => serialOf(format, b));
    expect(current).toBe(old! + 1);

    let outcome: McOutcome | null = null;
    void second.then((o) => (outcome = o));
    // The first request's answer arrives late, split in two, then the second's.
    const late = answer(format, old!, 111);
    t.onData(late.subarray(0, 5));
    t.onData(late.subarray(5));
    await vi.advanceTimersByTimeAsync(0);
    expect(outcome).toBeNull();
    expect(t.counters).toMatchObject({ late: 1, mismatched: 0, timeouts: 1 });
    expect(discarded).toEqual([`MC answer discarded: answer to serial ${old}, expected ${current}`]);

    t.onData(answer(format, current!, 222));
    expect(await second).toEqual({ kind: 'ok', values: [222] });
    t.close();
  });

  it('4E: counts serials on per connection and gives each request its own', async () => {
    const { t, sent } = transport(format, '4e');
    for (let i = 0; i < 3; i++) {
      const pending = t.request(READ);
      t.onData(answer(format, serialOf(format, sent[i]!), i));
      expect(await pending).toEqual({ kind: 'ok', values: [i] });
    }
    expect(sent.map((b) => serialOf(format, b))).toEqual([0, 1, 2]);
    t.close();
    // A new connection counts from 0 again.
    const next = transport(format, '4e');
    void next.t.request(READ);
    expect(serialOf(format, next.sent[0]!)).toBe(0);
    next.t.close();
  });

  it('3E: waits a quiet period after a timeout before the next request', async () => {
    const { t, sent } = transport(format, '3e');
    const first = t.request(READ);
    const second = t.request(READ);
    await vi.advanceTimersByTimeAsync(TIMEOUT);
    expect(await first).toEqual({ kind: 'timeout' });
    expect(sent).toHaveLength(1);
    // A late answer in the quiet period is discarded as late.
    t.onData(answer(format, null, 111));
    expect(t.counters.late).toBe(1);
    await vi.advanceTimersByTimeAsync(TIMEOUT);
    expect(sent).toHaveLength(2);
    t.onData(answer(format, null, 222));
    expect(await second).toEqual({ kind: 'ok', values: [222] });
    t.close();
  });
});
