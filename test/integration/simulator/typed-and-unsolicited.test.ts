import { afterEach, describe, expect, it } from 'vitest';
import { hasValidCrc } from '../../../src/protocol/modbus/crc.js';
import { transparentLink, typedLink } from '../../unit/simulator/config-fixtures.js';
import { rtu } from './fake-master.js';
import { rig, type Rig } from './harness.js';

const T0 = Date.UTC(2025, 0, 1, 8);
let current: Rig | null = null;

afterEach(async () => {
  await current?.close();
  current = null;
});

describe('typed framing', () => {
  it('registers with raw ID bytes, then wraps answers in 0x04 messages and ignores acks', async () => {
    current = await rig({ id: '7001', link: typedLink() });
    const { conn, dtu } = current;
    dtu.freeze(T0);
    expect((await conn.read(4)).toString('hex')).toBe('00001b59');
    const request = rtu('010307d00002');
    // Registration ack, then a request in the same chunk.
    conn.write(Buffer.concat([Buffer.from([0x01, 0x04, request.length]), request]));
    const answer = await conn.read(2 + 9);
    expect(answer.subarray(0, 2).toString('hex')).toBe('0409');
    const expected = dtu.registers(1, 3, 2000, 2, T0);
    expect([answer.readUInt16BE(5), answer.readUInt16BE(7)]).toEqual(expected);
    expect(hasValidCrc(answer, 2, 11)).toBe(true);
    await conn.until(() => dtu.counters.acks === 1, 1000, 'ack counted');
    expect(dtu.counters.requests).toBe(1);
  });

  it('sends heartbeats as 0x02 messages and takes the server 0x02 ack as an ack', async () => {
    current = await rig({ id: '7001', link: typedLink(), heartbeatIntervalMs: 50 });
    const { conn, dtu } = current;
    await conn.read(4);
    expect((await conn.read(2)).toString('hex')).toBe('0200');
    conn.write(Buffer.from([0x02]));
    await conn.until(() => dtu.counters.acks === 1, 1000, 'heartbeat ack');
    expect(dtu.counters.garbageBytes).toBe(0);
    expect(dtu.counters.requests).toBe(0);
  });

  it('sends a heartbeat pattern as the payload of the 0x02 message when the link has one', async () => {
    current = await rig({ id: '7001', link: typedLink({ heartbeat: { pattern: Buffer.from('HB'), reply: null } }) });
    const { conn, dtu } = current;
    await conn.read(4);
    dtu.sendHeartbeat();
    expect((await conn.read(4)).toString('hex')).toBe('0202' + Buffer.from('HB').toString('hex'));
  });

  it('sends data as 0x03 messages', async () => {
    current = await rig({ id: '7001', link: typedLink() });
    const { conn, dtu } = current;
    await conn.read(4);
    dtu.sendData(Buffer.from('abc'));
    expect((await conn.read(5)).toString('hex')).toBe('0303616263');
  });
});

describe('unsolicited framing', () => {
  it("pushes the profile's read blocks as RTU responses without being asked", async () => {
    const pushes: { atMs: number; registers: readonly number[] }[] = [];
    current = await rig({
      link: transparentLink({ framing: 'unsolicited' }),
      pushIntervalMs: 50,
      onServed: (_request, _response, registers, atMs) => pushes.push({ atMs, registers }),
    });
    const { conn, dtu } = current;
    await conn.read(8);
    const first = await conn.read(5 + 82, 1000);
    expect(first.subarray(0, 3).toString('hex')).toBe('010352');
    expect(hasValidCrc(first, 0, first.length)).toBe(true);
    const second = await conn.read(5 + 82, 1000);
    expect(hasValidCrc(second, 0, second.length)).toBe(true);
    expect(pushes.length).toBeGreaterThanOrEqual(2);
    const words = (frame: Buffer): number[] => Array.from({ length: 41 }, (_, i) => frame.readUInt16BE(3 + 2 * i));
    expect(words(first)).toEqual(dtu.registers(1, 3, 2000, 41, pushes[0]!.atMs));
    expect(dtu.counters.pushes).toBeGreaterThanOrEqual(2);
  });

  it('pushes the blocks it is given', async () => {
    current = await rig({
      link: transparentLink({ framing: 'unsolicited' }),
      pushIntervalMs: 40,
      pushBlocks: [{ slave: 1, fn: 4, address: 7, quantity: 1 }],
    });
    const { conn, dtu } = current;
    dtu.setRegisters(1, 4, 7, [0x1234]);
    await conn.read(8);
    expect((await conn.read(7, 1000)).toString('hex')).toBe(rtu('0104021234').toString('hex'));
  });
});
