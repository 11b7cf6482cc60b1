import { appendFileSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSimulateArgs, runSimulate, type SimulateLog } from '../../../src/cli/simulate.js';
import {
  decodeValue,
  encodeRequest,
  MC_COMMAND,
  MC_DEVICE_KINDS,
  OWN_STATION,
  parseResponse,
  readAnswer,
  type McFrameFormat,
  type McRequest,
} from '../../../src/protocol/mc/index.js';
import { hasValidCrc } from '../../../src/protocol/modbus/crc.js';
import { closeClient, connectClient } from '../../helpers/modbus-client.js';
import { MasterConnection, rtu } from './fake-master.js';

let dir = '';
let lines: string[];
let log: SimulateLog;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dtuhub-simulate-serve-'));
  for (const file of ['server.yml', 'points.yml']) copyFileSync(join('config', file), join(dir, file));
  lines = [];
  log = { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The ports from the "serving …" line, once it is logged. */
async function servedPorts(): Promise<number[]> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const line = lines.find((l) => l.startsWith('serving '));
    if (line) {
      const list = /ports? ([\d, -]+)$/.exec(line)![1]!;
      const range = /^(\d+)-(\d+)$/.exec(list);
      if (range) return Array.from({ length: Number(range[2]) - Number(range[1]) + 1 }, (_, i) => Number(range[1]) + i);
      return list.split(', ').map(Number);
    }
    if (Date.now() > deadline) throw new Error(`no serving line in ${lines.join(' | ')}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A port p such that p and p + 1 are both free right now. */
async function twoFreePorts(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const first = createServer();
    await new Promise<void>((resolve) => first.listen(0, '127.0.0.1', resolve));
    const port = (first.address() as { port: number }).port;
    const second = createServer();
    const ok = await new Promise<boolean>((resolve) => {
      second.once('error', () => resolve(false));
      second.listen(port + 1, '127.0.0.1', () => resolve(true));
    });
    await new Promise<void>((resolve) => first.close(() => resolve()));
    if (ok) await new Promise<void>((resolve) => second.close(() => resolve()));
    if (ok && port < 65535) return port;
  }
  throw new Error('no two consecutive free ports');
}

describe('dtuhub simulate --serve', () => {
  it('modbus-tcp: N devices on consecutive ports serve the example profile', async () => {
    const base = await twoFreePorts();
    const run = runSimulate(
      [
        '--config-dir',
        dir,
        '--serve',
        'modbus-tcp',
        '--listen',
        `127.0.0.1:${base}`,
        '--devices',
        '2',
        '--duration',
        '1200ms',
      ],
      log,
    );
    expect(await servedPorts()).toEqual([base, base + 1]);
    expect(lines[0]).toMatch(/^serving 2 Modbus TCP device\(s\) with profile th-station \(slaves 1/);
    for (const port of [base, base + 1]) {
      const client = await connectClient(port, { framing: 'tcp', unit: 1 });
      // The user's 2000×100 block; register 2000 is the temperature, 0.1 °C.
      const { data } = await client.readHoldingRegisters(2000, 100);
      await closeClient(client);
      const temperature = ((data[0]! << 16) >> 16) / 10;
      expect(temperature).toBeGreaterThan(19);
      expect(temperature).toBeLessThan(31);
    }
    expect(await run).toBe(0);
    expect(lines.at(-1)).toMatch(/^stopped \(duration\): devices 2 open 0 accepted 2 requests 2 responses 2 /);
  });

  it('rtu-over-tcp with --link: registers with its ID on accept and heartbeats, port 0 picks free ports', async () => {
    const run = runSimulate(
      [
        '--config-dir',
        dir,
        '--serve',
        'rtu-over-tcp',
        '--link',
        'transparent',
        '--listen',
        '127.0.0.1:0',
        '--devices',
        '2',
        '--start-id',
        '7',
        '--heartbeat-interval',
        '50ms',
        '--duration',
        '600ms',
      ],
      log,
    );
    const ports = await servedPorts();
    expect(ports).toHaveLength(2);
    expect(lines[0]).toMatch(/fixed-IP DTU\(s\) on link transparent/);
    const ids: string[] = [];
    for (const port of ports) {
      const conn = new MasterConnection(connect({ host: '127.0.0.1', port }));
      ids.push((await conn.read(8)).toString('latin1'));
      expect((await conn.read(2, 1000)).toString('latin1')).toBe('HB');
      conn.socket.destroy();
    }
    expect(ids).toEqual(['DTU00007', 'DTU00008']);
    expect(await run).toBe(0);
  });

  it('rtu-over-tcp without --link: a plain serial device server that answers RTU', async () => {
    const run = runSimulate(
      ['--config-dir', dir, '--serve', 'rtu-over-tcp', '--listen', '127.0.0.1:0', '--duration', '500ms'],
      log,
    );
    const [port] = await servedPorts();
    expect(lines[0]).toMatch(/serial device server\(s\)/);
    const conn = new MasterConnection(connect({ host: '127.0.0.1', port: port! }));
    conn.write(rtu('010307d00001'));
    expect(hasValidCrc(await conn.read(7), 0, 7)).toBe(true);
    await conn.expectSilence(50);
    conn.socket.destroy();
    expect(await run).toBe(0);
  });

  it("mc with --channel: CPUs in the channel's frame code serving its tags with moving values", async () => {
    appendFileSync(
      join(dir, 'server.yml'),
      `
channels:
  - name: press
    type: mc
    host: 127.0.0.1
    port: 5007
    frame: ascii
    device: PRESS-01
    tags:
      - { name: oil_temp, address: D100, scale: 0.1, unit: "°C" }
      - { name: flow, address: R2000, type: float32 }
      - { name: running, address: M5 }
`,
    );
    const run = runSimulate(
      ['--config-dir', dir, '--serve', 'mc', '--channel', 'press', '--listen', '127.0.0.1:0', '--devices', '2'].concat([
        '--duration',
        '800ms',
      ]),
      log,
    );
    const ports = await servedPorts();
    expect(ports).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^serving 2 MC \(3E ascii\) CPU\(s\) with the 3 tag\(s\) of channel press on 127\.0\.0\.1/,
    );
    for (const port of ports) {
      const conn = new MasterConnection(connect({ host: '127.0.0.1', port }));
      // Engineering values swing around 100 ± 50: D100 holds tenths, R2000 a float32.
      const [temperature] = await mcRead(conn, 'ascii', { kind: 'D', head: 100, points: 1 });
      expect(((temperature! << 16) >> 16) / 10).toBeGreaterThanOrEqual(50);
      expect(((temperature! << 16) >> 16) / 10).toBeLessThanOrEqual(150);
      const flow = decodeValue('float32', await mcRead(conn, 'ascii', { kind: 'R', head: 2000, points: 2 }), 0);
      expect(flow).toBeGreaterThanOrEqual(50);
      expect(flow).toBeLessThanOrEqual(150);
      const [running] = await mcRead(conn, 'ascii', { kind: 'M', head: 5, points: 1, unit: 'bit' });
      expect([0, 1]).toContain(running);
      conn.socket.destroy();
    }
    expect(await run).toBe(0);
    expect(lines.at(-1)).toMatch(/^stopped \(duration\): cpus 2 open 0 accepted 2 requests 6 errors 0 /);
  });

  it('mc without --channel: a binary CPU over zeroed memory; an unknown channel is refused', async () => {
    const run = runSimulate(
      ['--config-dir', dir, '--serve', 'mc', '--listen', '127.0.0.1:0', '--duration', '400ms'],
      log,
    );
    const [port] = await servedPorts();
    expect(lines[0]).toMatch(/^serving 1 MC \(3E binary\) CPU\(s\) with zeroed memory/);
    const conn = new MasterConnection(connect({ host: '127.0.0.1', port: port! }));
    expect(await mcRead(conn, 'binary', { kind: 'D', head: 0, points: 4 })).toEqual([0, 0, 0, 0]);
    conn.socket.destroy();
    expect(await run).toBe(0);
    expect(
      await runSimulate(['--config-dir', dir, '--serve', 'mc', '--channel', 'nope', '--listen', '127.0.0.1:0'], log),
    ).toBe(2);
    expect(lines.at(-1)).toMatch(/--channel "nope" is not an mc channel; mc channels: none in server.yml/);
    expect(() => parseSimulateArgs(['--serve', 'modbus-tcp', '--listen', '127.0.0.1:1', '--channel', 'x'])).toThrow(
      /--channel applies to --serve mc/,
    );
  });

  it('exits with 1 when the port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      expect(
        await runSimulate(['--config-dir', dir, '--serve', 'modbus-tcp', '--listen', `127.0.0.1:${port}`], log),
      ).toBe(1);
      expect(lines.at(-1)).toMatch(/cannot listen: .*EADDRINUSE/);
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });

  it('rejects inconsistent flags', async () => {
    expect(() => parseSimulateArgs(['--serve', 'modbus-tcp'])).toThrow(/--serve needs --listen/);
    expect(() => parseSimulateArgs(['--listen', '127.0.0.1:1502'])).toThrow(/--listen needs --serve/);
    expect(() => parseSimulateArgs(['--serve', 'http', '--listen', '127.0.0.1:1'])).toThrow(/modbus-tcp, rtu-over-tcp/);
    expect(() =>
      parseSimulateArgs(['--serve', 'modbus-tcp', '--listen', '127.0.0.1:1', '--target', '127.0.0.1:2']),
    ).toThrow(/--target/);
    expect(() =>
      parseSimulateArgs(['--serve', 'modbus-tcp', '--listen', '127.0.0.1:1', '--unknown-unit', 'x']),
    ).toThrow(/--unknown-unit/);
    expect(
      parseSimulateArgs(['--serve', 'modbus-tcp', '--listen', '[::1]:1502', '--unknown-unit', 'gateway-exception']),
    ).toMatchObject({
      serve: 'modbus-tcp',
      listen: { host: '::1', port: 1502 },
      unknownUnit: 'gateway-exception',
    });
    expect(
      await runSimulate(
        ['--config-dir', dir, '--serve', 'modbus-tcp', '--listen', '127.0.0.1:0', '--link', 'transparent'],
        log,
      ),
    ).toBe(2);
    expect(lines.at(-1)).toMatch(/--link applies to --serve rtu-over-tcp/);
    expect(
      await runSimulate(
        ['--config-dir', dir, '--serve', 'modbus-tcp', '--listen', '127.0.0.1:65535', '--devices', '2'],
        log,
      ),
    ).toBe(2);
    expect(lines.at(-1)).toMatch(/runs past port 65535/);
  });
});

/** A batch read through the codec dtuhub's MC channel uses: the values of the points. */
async function mcRead(
  conn: MasterConnection,
  format: McFrameFormat,
  read: { kind: 'D' | 'R' | 'M'; head: number; points: number; unit?: 'bit' | 'word' },
): Promise<number[]> {
  const request: McRequest = {
    command: MC_COMMAND.batchRead,
    unit: read.unit ?? 'word',
    kind: MC_DEVICE_KINDS[read.kind],
    head: read.head,
    points: read.points,
  };
  conn.write(encodeRequest(format, request, { monitoringTimer: 4 }));
  // Binary: 11 header bytes, then 2 per word or 1 per 2 bits; ASCII: 22 characters, 4 per word or 1 per bit.
  const size =
    format === 'binary'
      ? 11 + (request.unit === 'word' ? 2 * read.points : Math.ceil(read.points / 2))
      : 22 + (request.unit === 'word' ? 4 * read.points : read.points);
  const response = parseResponse(format, await conn.read(size, 1000));
  expect(response).not.toBeNull();
  const answer = readAnswer(format, request, OWN_STATION, response!);
  if (answer.kind !== 'ok') throw new Error(`not an answer: ${JSON.stringify(answer)}`);
  return answer.values;
}
