import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { hasValidCrc } from '../../../src/protocol/modbus/crc.js';
import {
  startRtuOverTcpServer,
  type RtuOverTcpServer,
  type RtuOverTcpServerOptions,
} from '../../../src/simulator/index.js';
import { closeClient, connectClient, type ModbusClient } from '../../helpers/modbus-client.js';
import { transparentLink } from '../../unit/simulator/config-fixtures.js';
import { MasterConnection, rtu } from './fake-master.js';
import { MOVING_RANGE, serverProfile } from './server-profile.js';

let server: RtuOverTcpServer | null = null;
const clients: ModbusClient[] = [];
const raws: MasterConnection[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await closeClient(c);
  for (const r of raws.splice(0)) r.socket.destroy();
  await server?.close();
  server = null;
});

async function start(options: RtuOverTcpServerOptions = {}): Promise<RtuOverTcpServer> {
  server = await startRtuOverTcpServer({ id: 'DTU07001', profile: serverProfile(), ...options });
  return server;
}

async function client(unit = 1): Promise<ModbusClient> {
  const c = await connectClient(server!.port, { framing: 'rtu', unit, timeoutMs: 1000 });
  clients.push(c);
  return c;
}

async function raw(): Promise<MasterConnection> {
  const socket = connect({ host: '127.0.0.1', port: server!.port });
  const conn = new MasterConnection(socket);
  raws.push(conn);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return conn;
}

/** Skips whatever already arrived (heartbeats sent before they were stopped). */
async function drain(conn: MasterConnection): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 10));
  await conn.read(conn.unread().length);
}

describe('simulated RTU-over-TCP server (serial device server), read by modbus-serial', () => {
  it('serves every slave from the register model, values moving with time', async () => {
    const s = await start();
    const t0 = Date.now();
    const seen: number[][] = [];
    for (const at of [t0, t0 + 7 * 60_000]) {
      s.model.freeze(at);
      const { slave, address, quantity } = MOVING_RANGE;
      const holding = await (await client(slave)).readHoldingRegisters(address, quantity);
      expect(holding.data).toEqual(s.model.registers(slave, 3, address, quantity));
      seen.push(holding.data);
      expect((await (await client(2)).readInputRegisters(10, 3)).data).toEqual(s.model.registers(2, 4, 10, 3));
    }
    expect(seen[0]).not.toEqual(seen[1]);
  });

  it('reads bits and applies writes', async () => {
    const s = await start();
    const c = await client(1);
    await c.writeCoils(0, [true, false, true]);
    await c.writeCoil(9, true);
    await c.writeRegisters(300, [7, 8]);
    await c.writeRegister(302, 9);
    s.model.freeze();
    // Coil 5 is the `pump` point, whose waveform the model decides.
    const coils = (await c.readCoils(0, 10)).data.slice(0, 10);
    expect(coils).toEqual(s.model.registers(1, 1, 0, 10).map((bit) => bit === 1));
    expect([coils[0], coils[1], coils[2], coils[9]]).toEqual([true, false, true, true]);
    expect((await c.readHoldingRegisters(300, 3)).data).toEqual([7, 8, 9]);
    expect(s.model.registers(1, 3, 300, 3)).toEqual([7, 8, 9]);
    s.model.setRegisters(1, 2, 3, [1]);
    expect((await c.readDiscreteInputs(3, 1)).data[0]).toBe(true);
  });

  it('does not answer a slave that is not on the bus, nor frames with a bad CRC', async () => {
    const s = await start();
    const conn = await raw();
    conn.write(rtu('090300000001'));
    const broken = rtu('010307d00001');
    broken[7]! ^= 0xff;
    conn.write(broken);
    await conn.expectSilence(150);
    expect(s.counters).toMatchObject({ requests: 1, ignored: 1, badCrc: 1, responses: 0 });
  });
});

describe('simulated RTU-over-TCP server as a fixed-IP DTU', () => {
  const link = transparentLink({ heartbeat: { pattern: Buffer.from('HB'), reply: null } });

  it('sends its registration on accept, then heartbeats, and answers RTU in between', async () => {
    const s = await start({ link, heartbeatIntervalMs: 40 });
    const conn = await raw();
    expect((await conn.read(8)).toString('latin1')).toBe('DTU07001');
    expect((await conn.read(2)).toString('latin1')).toBe('HB');
    s.stopHeartbeats();
    await drain(conn);
    s.model.freeze();
    conn.write(rtu('010307d00002'));
    const response = await conn.read(9);
    expect(hasValidCrc(response, 0, 9)).toBe(true);
    expect([response.readUInt16BE(3), response.readUInt16BE(5)]).toEqual(s.model.registers(1, 3, 2000, 2));
  });

  it('stops and resumes heartbeats on demand', async () => {
    const s = await start({ link, heartbeatIntervalMs: 30 });
    const conn = await raw();
    await conn.read(8 + 2 * 2, 1000);
    s.stopHeartbeats();
    await drain(conn);
    const before = s.counters.heartbeats;
    await conn.expectSilence(120);
    expect(s.counters.heartbeats).toBe(before);
    s.resumeHeartbeats();
    expect((await conn.read(4, 1000)).toString('latin1')).toBe('HBHB');
  });

  it('stops answering on demand (requests counted, ignored) and resumes', async () => {
    const s = await start({ link, heartbeatIntervalMs: 0 });
    const conn = await raw();
    await conn.read(8);
    s.stopAnswering();
    conn.write(rtu('010307d00001'));
    await conn.expectSilence(150);
    expect(s.counters).toMatchObject({ requests: 1, ignored: 1, responses: 0 });
    s.resumeAnswering();
    conn.write(rtu('010307d00001'));
    expect(hasValidCrc(await conn.read(7), 0, 7)).toBe(true);
  });

  it('registers again on every new connection after a drop', async () => {
    const s = await start({ link, heartbeatIntervalMs: 0 });
    const first = await raw();
    expect((await first.read(8)).toString('latin1')).toBe('DTU07001');
    s.dropConnections();
    await first.until(() => first.closed, 1000, 'close');
    const second = await raw();
    expect((await second.read(8)).toString('latin1')).toBe('DTU07001');
    expect(s.counters.connections).toBe(2);
  });

  it('prefixes every packet with the registration in every-packet mode', async () => {
    const everyPacket = transparentLink({
      registration: {
        type: 'ascii',
        mode: 'every-packet',
        maxLength: 40,
        length: null,
        pattern: null,
        terminator: null,
      },
      heartbeat: null,
    });
    await start({ link: everyPacket, heartbeatIntervalMs: 0 });
    const conn = await raw();
    expect((await conn.read(8)).toString('latin1')).toBe('DTU07001');
    conn.write(rtu('010307d00001'));
    const packet = await conn.read(8 + 7);
    expect(packet.subarray(0, 8).toString('latin1')).toBe('DTU07001');
    expect(hasValidCrc(packet, 8, 15)).toBe(true);
  });
});
