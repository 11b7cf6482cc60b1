import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSimulate, type SimulateLog } from '../../../src/cli/simulate.js';
import { hasValidCrc } from '../../../src/protocol/modbus/crc.js';
import { FakeMaster, rtu } from './fake-master.js';

let dir = '';
let master: FakeMaster;
let lines: string[];
let log: SimulateLog;

beforeEach(async () => {
  // The shipped example configuration, as a user would point the simulator at it.
  dir = mkdtempSync(join(tmpdir(), 'dtuhub-simulate-'));
  for (const file of ['server.yml', 'points.yml']) copyFileSync(join('config', file), join(dir, file));
  master = await FakeMaster.start();
  lines = [];
  log = { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
});

afterEach(async () => {
  await master.close();
  rmSync(dir, { recursive: true, force: true });
});

const target = (): string => `127.0.0.1:${master.target.port}`;

describe('runSimulate', () => {
  it('runs the requested number of DTUs with padded ascii IDs and heartbeats, then stops', async () => {
    const code = await runSimulate(
      [
        '--config-dir',
        dir,
        '--target',
        target(),
        '--devices',
        '3',
        '--duration',
        '400ms',
        '--heartbeat-interval',
        '100ms',
      ],
      log,
    );
    expect(code).toBe(0);
    const ids = await Promise.all(master.connections.map(async (c) => (await c.read(8)).toString('latin1')));
    expect(ids.sort()).toEqual(['DTU01001', 'DTU01002', 'DTU01003']);
    expect(master.connections[0]!.unread().toString('latin1')).toMatch(/^(HB)+$/);
    expect(lines.at(-1)).toMatch(/^stopped \(duration\): devices 3 connected 0 failed 0/);
  });

  it('registers integer IDs on the typed link', async () => {
    const code = await runSimulate(
      [
        '--config-dir',
        dir,
        '--target',
        target(),
        '--link',
        'typed',
        '--start-id',
        '7001',
        '--devices',
        '2',
        '--duration',
        '300ms',
      ],
      log,
    );
    expect(code).toBe(0);
    const ids = await Promise.all(master.connections.map(async (c) => (await c.read(4)).toString('hex')));
    expect(ids.sort()).toEqual(['00001b59', '00001b5a']);
  });

  it("answers the user's 2000×100 read from the example profile while running", async () => {
    const run = runSimulate(['--config-dir', dir, '--target', target(), '--duration', '600ms'], log);
    const conn = await master.connection(0);
    await conn.read(8);
    conn.write(rtu('010307d00064'));
    const response = await conn.read(205, 1000);
    expect(hasValidCrc(response, 0, 205)).toBe(true);
    const temperature = ((response.readUInt16BE(3) << 16) >> 16) / 10;
    expect(temperature).toBeGreaterThan(19);
    expect(temperature).toBeLessThan(31);
    expect(await run).toBe(0);
  });

  it('exits with 2 and the usage on a bad argument', async () => {
    expect(await runSimulate(['--devices', 'many'], log)).toBe(2);
    expect(lines.join('\n')).toMatch(/--devices must be a whole number[\s\S]*usage: dtuhub simulate/);
    expect(await runSimulate(['--bogus'], log)).toBe(2);
  });

  it('exits with 2 for a link the config does not define', async () => {
    expect(await runSimulate(['--config-dir', dir, '--target', target(), '--link', 'nope'], log)).toBe(2);
    expect(lines.at(-1)).toMatch(/unknown link "nope"; known: transparent, typed/);
  });

  it('exits with 1 and the config problems when the config cannot be loaded', async () => {
    expect(await runSimulate(['--config-dir', join(dir, 'missing')], log)).toBe(1);
    expect(lines.join('\n')).toMatch(/file not found/);
  });
});
