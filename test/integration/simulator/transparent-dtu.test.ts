import { afterEach, describe, expect, it } from 'vitest';
import type { RegistrationRule } from '../../../src/domain/config.js';
import { transparentLink, ascii } from '../../unit/simulator/config-fixtures.js';
import { rtu } from './fake-master.js';
import { rig, type Rig } from './harness.js';

const T0 = Date.UTC(2025, 0, 1, 8);
let current: Rig | null = null;

async function open(options: Parameters<typeof rig>[0] = {}): Promise<Rig> {
  current = await rig(options);
  return current;
}

afterEach(async () => {
  await current?.close();
  current = null;
});

/** Words of a fc 03/04 response frame. */
function words(frame: Buffer): number[] {
  const out: number[] = [];
  for (let i = 3; i < 3 + frame[2]!; i += 2) out.push(frame.readUInt16BE(i));
  return out;
}

describe('registration', () => {
  it('sends the ascii ID once, right after connecting', async () => {
    const { conn } = await open();
    expect((await conn.read(8)).toString('latin1')).toBe('DTU01001');
    await conn.expectSilence(100);
  });

  it("sends the user's 4-byte big-endian integer ID", async () => {
    const registration: RegistrationRule = { type: 'integer', mode: 'once', bytes: 4, endian: 'big' };
    const { conn } = await open({ id: '7001', link: transparentLink({ registration }) });
    expect((await conn.read(4)).toString('hex')).toBe('00001b59');
  });

  it('sends a hex ID after its prefix', async () => {
    const registration: RegistrationRule = { type: 'hex', mode: 'once', length: 4, prefix: Buffer.from('aa55', 'hex') };
    const { conn } = await open({ id: '00001b59', link: transparentLink({ registration }) });
    expect((await conn.read(6)).toString('hex')).toBe('aa5500001b59');
  });

  it('ends an ascii ID with the terminator', async () => {
    const link = transparentLink({ registration: { ...ascii, terminator: Buffer.from('\r\n') } });
    const { conn } = await open({ link });
    expect((await conn.read(10)).toString('latin1')).toBe('DTU01001\r\n');
  });

  it('prefixes every later packet with the registration in every-packet mode', async () => {
    const link = transparentLink({ registration: { ...ascii, mode: 'every-packet' } });
    const { conn, dtu } = await open({ link });
    dtu.freeze(T0);
    expect((await conn.read(8)).toString('latin1')).toBe('DTU01001');
    dtu.sendHeartbeat();
    expect((await conn.read(10)).toString('latin1')).toBe('DTU01001HB');
    conn.write(rtu('010307d00001'));
    const packet = await conn.read(8 + 7);
    expect(packet.subarray(0, 8).toString('latin1')).toBe('DTU01001');
    expect(words(packet.subarray(8))).toEqual(dtu.registers(1, 3, 2000, 1, T0));
  });
});

describe('heartbeats', () => {
  it('sends the heartbeat pattern every interval', async () => {
    const { conn, dtu } = await open({ heartbeatIntervalMs: 60 });
    await conn.read(8);
    const started = Date.now();
    expect((await conn.read(6, 1000)).toString('latin1')).toBe('HBHBHB');
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(600);
    expect(dtu.counters.heartbeats).toBeGreaterThanOrEqual(3);
  });

  it('stops and resumes heartbeats on demand', async () => {
    const { conn, dtu } = await open({ heartbeatIntervalMs: 40 });
    await conn.read(8 + 2);
    dtu.stopHeartbeats();
    await new Promise((r) => setTimeout(r, 30));
    const before = conn.received.length;
    await conn.expectSilence(150);
    expect(conn.received.length).toBe(before);
    dtu.resumeHeartbeats();
    await conn.until(() => conn.received.length > before, 1000, 'heartbeat after resume');
  });

  it('ignores the server heartbeat reply instead of reading it as a request', async () => {
    const link = transparentLink({ heartbeat: { pattern: Buffer.from('HB'), reply: Buffer.from('OK') } });
    const { conn, dtu } = await open({ link });
    dtu.freeze(T0);
    await conn.read(8);
    conn.write(Buffer.concat([Buffer.from('OK'), rtu('010307d00001')]));
    const response = await conn.read(7);
    expect(words(response)).toEqual(dtu.registers(1, 3, 2000, 1, T0));
    expect(dtu.counters.heartbeatReplies).toBe(1);
    expect(dtu.counters.garbageBytes).toBe(0);
  });
});

describe('Modbus slaves', () => {
  it('answers fc 03 with the model registers at the moment the request arrived', async () => {
    const served: { atMs: number; registers: readonly number[] }[] = [];
    const { conn, dtu } = await open({ onServed: (_req, _res, registers, atMs) => served.push({ atMs, registers }) });
    await conn.read(8);
    conn.write(rtu('010307d00064'));
    const response = await conn.read(5 + 200);
    expect(response.subarray(0, 3).toString('hex')).toBe('0103c8');
    expect(served).toHaveLength(1);
    expect(words(response)).toEqual(dtu.registers(1, 3, 2000, 100, served[0]!.atMs));
    expect(words(response)).toEqual(served[0]!.registers);
    const temperature = ((response.readUInt16BE(3) << 16) >> 16) / 10;
    expect(temperature).toBeGreaterThan(19);
    expect(temperature).toBeLessThan(31);
  });

  it('answers fc 01, 02 and 04 from their own register spaces', async () => {
    const { conn, dtu } = await open();
    dtu.setRegisters(1, 1, 0, [1, 0, 1, 1]);
    dtu.setRegisters(1, 2, 8, [0, 1]);
    dtu.setRegisters(1, 4, 30, [0xbeef]);
    await conn.read(8);
    conn.write(rtu('010100000004'));
    expect((await conn.read(6)).toString('hex')).toBe(rtu('0101010d').toString('hex'));
    conn.write(rtu('010200080002'));
    expect((await conn.read(6)).toString('hex')).toBe(rtu('01020102').toString('hex'));
    conn.write(rtu('0104001e0001'));
    expect((await conn.read(7)).toString('hex')).toBe(rtu('010402beef').toString('hex'));
  });

  it('applies writes with fc 05, 06, 15 and 16 to later reads', async () => {
    const { conn } = await open();
    await conn.read(8);
    const exchange = async (request: Buffer, responseLength: number): Promise<string> => {
      conn.write(request);
      return (await conn.read(responseLength)).toString('hex');
    };
    expect(await exchange(rtu('01050005ff00'), 8)).toBe(rtu('01050005ff00').toString('hex'));
    expect(await exchange(rtu('010f0006000301' + '05'), 8)).toBe(rtu('010f00060003').toString('hex'));
    // Coil 5 from fc 05, coils 6..8 = 1, 0, 1 from fc 15: bits 1101 read LSB first.
    expect(await exchange(rtu('010100050004'), 6)).toBe(rtu('0101010b').toString('hex'));
    expect(await exchange(rtu('010607d00102'), 8)).toBe(rtu('010607d00102').toString('hex'));
    expect(await exchange(rtu('011007d1000204aaaa5555'), 8)).toBe(rtu('011007d10002').toString('hex'));
    expect(await exchange(rtu('010307d00003'), 11)).toBe(rtu('010306' + '0102aaaa5555').toString('hex'));
  });

  it('answers a request that arrives one byte at a time', async () => {
    const { conn, dtu } = await open();
    dtu.freeze(T0);
    await conn.read(8);
    for (const byte of rtu('010307d00002')) {
      conn.write(Buffer.from([byte]));
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(words(await conn.read(9))).toEqual(dtu.registers(1, 3, 2000, 2, T0));
  });

  it('does not answer a request with a bad CRC, then answers the next good one', async () => {
    const { conn, dtu } = await open();
    await conn.read(8);
    const broken = rtu('010307d00001');
    broken[6]! ^= 0x01;
    conn.write(broken);
    await conn.expectSilence(150);
    expect(dtu.counters.badCrc).toBe(1);
    conn.write(rtu('010307d00001'));
    expect((await conn.read(7)).subarray(0, 3).toString('hex')).toBe('010302');
  });

  it('stays silent for a slave id that is not on its bus', async () => {
    const { conn, dtu } = await open();
    await conn.read(8);
    conn.write(rtu('090307d00001'));
    await conn.expectSilence(150);
    expect(dtu.counters.ignored).toBe(1);
  });

  it('answers each of several slaves behind one DTU', async () => {
    const { conn, dtu } = await open({ slaves: [1, 2, 3] });
    dtu.setRegisters(2, 3, 0, [22]);
    dtu.setRegisters(3, 3, 0, [33]);
    await conn.read(8);
    conn.write(rtu('020300000001'));
    expect((await conn.read(7)).toString('hex')).toBe(rtu('0203020016').toString('hex'));
    conn.write(rtu('030300000001'));
    expect((await conn.read(7)).toString('hex')).toBe(rtu('0303020021').toString('hex'));
  });

  it('answers illegal function for a function code it does not implement', async () => {
    const { conn } = await open();
    await conn.read(8);
    conn.write(rtu('012b0e0100'));
    expect((await conn.read(5)).toString('hex')).toBe(rtu('01ab01').toString('hex'));
  });
});
