import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  startModbusTcpServer,
  type ModbusTcpServer,
  type ModbusTcpServerOptions,
} from '../../../src/simulator/index.js';
import { closeClient, connectClient, type ModbusClient } from '../../helpers/modbus-client.js';
import { MasterConnection } from './fake-master.js';
import { MOVING_RANGE, serverProfile } from './server-profile.js';

let server: ModbusTcpServer | null = null;
const clients: ModbusClient[] = [];
const raws: MasterConnection[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await closeClient(c);
  for (const r of raws.splice(0)) r.socket.destroy();
  await server?.close();
  server = null;
});

async function start(options: ModbusTcpServerOptions = {}): Promise<ModbusTcpServer> {
  server = await startModbusTcpServer({ id: 'TCP01', profile: serverProfile(), ...options });
  return server;
}

async function client(unit = 1): Promise<ModbusClient> {
  const c = await connectClient(server!.port, { framing: 'tcp', unit, timeoutMs: 1000 });
  clients.push(c);
  return c;
}

async function raw(): Promise<MasterConnection> {
  const socket = connect({ host: '127.0.0.1', port: server!.port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const conn = new MasterConnection(socket);
  raws.push(conn);
  return conn;
}

/** An MBAP ADU from its transaction id, unit id and PDU hex. */
function adu(transactionId: number, unit: number, pduHex: string): Buffer {
  const pdu = Buffer.from(pduHex, 'hex');
  const header = Buffer.alloc(7);
  header.writeUInt16BE(transactionId, 0);
  header.writeUInt16BE(pdu.length + 1, 4);
  header[6] = unit;
  return Buffer.concat([header, pdu]);
}

/** Reads one whole ADU from a raw connection (header first, then what its length says). */
async function readAdu(conn: MasterConnection): Promise<Buffer> {
  const header = await conn.read(6);
  return Buffer.concat([header, await conn.read(header.readUInt16BE(4))]);
}

describe('simulated Modbus TCP server, read by modbus-serial', () => {
  it('serves fc03 and fc04 from the register model of each unit id, and values move with time', async () => {
    const s = await start();
    const t0 = Date.now();
    const seen: number[][] = [];
    for (const at of [t0, t0 + 7 * 60_000]) {
      s.model.freeze(at);
      const { slave, address, quantity } = MOVING_RANGE;
      const holding = await (await client(slave)).readHoldingRegisters(address, quantity);
      expect(holding.data).toEqual(s.model.registers(slave, 3, address, quantity));
      seen.push(holding.data);
      const input = await (await client(2)).readInputRegisters(10, 4);
      expect(input.data).toEqual(s.model.registers(2, 4, 10, 4));
    }
    expect(seen[0]).not.toEqual(seen[1]);
    expect(s.counters).toMatchObject({ connections: 4, requests: 4, responses: 4, exceptions: 0 });
  });

  it('serves fc01 and fc02 bits', async () => {
    const s = await start();
    s.model.setRegisters(1, 1, 0, [1, 0, 1, 1, 0, 0, 0, 1, 1, 0]);
    s.model.setRegisters(1, 2, 0, [0, 1, 1]);
    const c = await client(1);
    expect((await c.readCoils(0, 10)).data.slice(0, 10)).toEqual([
      true,
      false,
      true,
      true,
      false,
      false,
      false,
      true,
      true,
      false,
    ]);
    expect((await c.readDiscreteInputs(0, 3)).data.slice(0, 3)).toEqual([false, true, true]);
  });

  it('applies fc05, fc06, fc15 and fc16 writes to the model', async () => {
    const s = await start();
    const c = await client(1);
    await c.writeCoil(7, true);
    await c.writeRegister(100, 0xabcd);
    await c.writeCoils(20, [true, false, true]);
    await c.writeRegisters(200, [1, 2, 65535]);
    expect(s.model.registers(1, 1, 7, 1)).toEqual([1]);
    expect(s.model.registers(1, 3, 100, 1)).toEqual([0xabcd]);
    expect(s.model.registers(1, 1, 20, 3)).toEqual([1, 0, 1]);
    expect(s.model.registers(1, 3, 200, 3)).toEqual([1, 2, 65535]);
    expect((await c.readHoldingRegisters(200, 3)).data).toEqual([1, 2, 65535]);
  });

  it('answers exceptions: strict addresses and injected codes', async () => {
    const s = await start({ strictAddresses: true, exceptionCodes: { 2: 6 } });
    const c = await client(1);
    await expect(c.readHoldingRegisters(5000, 1)).rejects.toMatchObject({ modbusCode: 2 });
    await expect((await client(2)).readInputRegisters(10, 1)).rejects.toMatchObject({ modbusCode: 6 });
    expect(s.counters.exceptions).toBe(2);
  });
});

describe('simulated Modbus TCP server on the wire', () => {
  it('answers pipelined requests on one connection, each with its transaction id', async () => {
    const s = await start();
    s.model.freeze();
    const conn = await raw();
    conn.write(
      Buffer.concat([
        adu(7, 1, '0307d00002'),
        adu(8, 2, '04000a0004'),
        adu(9, 1, '0600640102'),
        adu(10, 1, '2b0e0100'),
      ]),
    );
    const answers = [await readAdu(conn), await readAdu(conn), await readAdu(conn), await readAdu(conn)];
    expect(answers.map((a) => a.readUInt16BE(0))).toEqual([7, 8, 9, 10]);
    const words = (a: Buffer): number[] => Array.from({ length: a[8]! / 2 }, (_, i) => a.readUInt16BE(9 + 2 * i));
    expect(answers[0]!.subarray(2, 9).toString('hex')).toBe('00000007010304');
    expect(words(answers[0]!)).toEqual(s.model.registers(1, 3, 2000, 2));
    expect(words(answers[1]!)).toEqual(s.model.registers(2, 4, 10, 4));
    expect(answers[2]!.toString('hex')).toBe(adu(9, 1, '0600640102').toString('hex'));
    // fc 43 is not implemented: exception 01.
    expect(answers[3]!.toString('hex')).toBe(adu(10, 1, 'ab01').toString('hex'));
  });

  it('reassembles requests sent byte by byte and keeps pipelining with a response delay', async () => {
    const s = await start({ responseDelayMs: 50 });
    const conn = await raw();
    const requests = Buffer.concat([adu(0xfffe, 1, '0307d00001'), adu(0xffff, 1, '0307d10001')]);
    for (const byte of requests) conn.write(Buffer.from([byte]));
    const first = await readAdu(conn);
    const second = await readAdu(conn);
    expect([first.readUInt16BE(0), second.readUInt16BE(0)]).toEqual([0xfffe, 0xffff]);
    expect(s.counters.requests).toBe(2);
  });

  it('ignores an unknown unit id, or answers 0x0B as a gateway', async () => {
    const s = await start();
    const conn = await raw();
    conn.write(adu(1, 9, '0300000001'));
    await conn.expectSilence(150);
    expect(s.counters.ignored).toBe(1);
    await s.close();

    const gw = await start({ unknownUnit: 'gateway-exception' });
    const conn2 = await raw();
    conn2.write(adu(2, 9, '0300000001'));
    expect((await readAdu(conn2)).toString('hex')).toBe(adu(2, 9, '830b').toString('hex'));
    expect(gw.counters).toMatchObject({ exceptions: 1, ignored: 0 });
  });

  it('closes a connection that sends a bad protocol id or length', async () => {
    const s = await start();
    const conn = await raw();
    conn.write('000100010006010300000001');
    await conn.until(() => conn.closed, 1000, 'close');
    const conn2 = await raw();
    conn2.write('0001000001010103');
    await conn2.until(() => conn2.closed, 1000, 'close');
    expect(s.counters.badHeaders).toBe(2);
    expect(s.counters.responses).toBe(0);
  });

  it('drops connections on demand and accepts new ones', async () => {
    const s = await start();
    const conn = await raw();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(s.connections).toBe(1);
    s.dropConnections();
    await conn.until(() => conn.closed, 1000, 'close');
    const c = await client(1);
    expect((await c.readHoldingRegisters(2040, 1)).data).toHaveLength(1);
  });
});
