// A `discover` meter's read-address answer: only an address later reads can be sent to is
// kept. A hex, wildcard, broadcast or short answer is invalid, so a peer cannot make every
// later request of the DTU unbuildable.
import { describe, expect, it } from 'vitest';
import type { MeterRead } from '../../../src/domain/config.js';
import type { PointDef } from '../../../src/domain/point.js';
import { MeterPoll, meterAnswer, type DiscoveredAddresses } from '../../../src/polling/meter-polls.js';

const read: MeterRead = {
  slave: 1,
  meter: { version: '2007', address: null },
  point: {
    name: 'voltage_a',
    slave: 1,
    address: 0x02010100,
    identifier: { name: 'voltage.a', di: 0x02010100, kind: 'number', length: 2, decimals: 1, signed: false },
  } as unknown as PointDef,
};

/** The answer's data field as sent: each byte + 0x33. */
function masked(bytes: readonly number[]): Buffer {
  return Buffer.from(bytes.map((b) => (b + 0x33) & 0xff));
}

function answer(discovered: DiscoveredAddresses, bytes: readonly number[]) {
  const poll = new MeterPoll(read, 'read#1', discovered, () => undefined);
  const buf = masked(bytes);
  return meterAnswer(poll, 'DTU-1', buf, 0, buf.length, 1000);
}

describe('meter address discovery', () => {
  it('keeps a 12-digit address and can then build the read for it', () => {
    const discovered: DiscoveredAddresses = new Map();
    const outcome = answer(discovered, [0x12, 0x34, 0x56, 0x78, 0x90, 0x12]);
    expect(outcome).toEqual({ kind: 'discovered', address: '129078563412' });
    if (outcome.kind !== 'discovered') return;
    discovered.set(1, outcome.address);
    const poll = new MeterPoll(read, 'read#1', discovered, () => undefined);
    // The read request now carries the address, low byte first (12 34 56 78 90 12).
    expect(Buffer.from(poll.request).toString('hex')).toContain('681234567890126811');
  });

  it.each([
    ['hex digits', [0x6f, 0x5e, 0x4d, 0x3c, 0x2b, 0x1a]],
    ['the wildcard', [0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa]],
    ['the broadcast address', [0x99, 0x99, 0x99, 0x99, 0x99, 0x99]],
    ['too few bytes', [0x12, 0x34, 0x56]],
    ['no bytes', []],
  ])('refuses %s as an address', (_what, bytes) => {
    expect(answer(new Map(), bytes)).toEqual({ kind: 'invalid' });
  });
});
