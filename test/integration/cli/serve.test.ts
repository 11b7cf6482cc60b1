// `dtuhub serve` as a real process: it starts from a config directory, polls a DTU, and on
// SIGTERM flushes everything it accepted before exiting with code 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { SimulatedDtu } from '../../../src/simulator/index.js';
import { removeDir, waitFor, writeConfigDir } from '../../helpers/app-harness.js';
import Database from 'better-sqlite3';

const BIN = new URL('../../../bin/dtuhub.js', import.meta.url).pathname;
let child: ChildProcess | null = null;
let sim: SimulatedDtu | null = null;
let dir: string | null = null;

afterEach(async () => {
  await sim?.stop();
  if (child && child.exitCode === null) child.kill('SIGKILL');
  if (dir) removeDir(dir);
  child = sim = dir = null;
});

describe('dtuhub serve', () => {
  it('flushes every accepted sample on SIGTERM and exits cleanly', async () => {
    const written = writeConfigDir({
      server: (s) => {
        s.logging.level = 'info';
        s.writeBuffer = { maxRows: 100000, flushInterval: '1h', idleFlushDelay: '1h' };
      },
    });
    dir = written.dir;
    const proc = (child = spawn(process.execPath, [BIN, 'serve', '--config-dir', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    }));
    const ports: Record<string, number> = {};
    const logLines: Record<string, unknown>[] = [];
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logLines.push(entry);
        if (entry['msg'] === 'listening for DTUs') ports[entry['listener'] as string] = entry['port'] as number;
      } catch {
        // not a log line
      }
    });
    await waitFor(() => ports['dtu'], 20_000, 'the dtu listener');

    const config = loadConfig(dir);
    sim = new SimulatedDtu({
      id: 'DTU-SIGTERM',
      target: { host: '127.0.0.1', port: ports['dtu']! },
      link: config.points.links.get('transparent')!,
      profile: config.points.profiles.get('th-station')!,
      heartbeatIntervalMs: 0,
    });
    await sim.start();
    // pollOnConnect reads the three interval blocks (5 + 2 + 1 points); each heartbeat reads rpm.
    await waitFor(() => sim!.counters.responses >= 3, 10_000, 'first polls');
    for (let i = 0; i < 4; i++) {
      sim.sendHeartbeat();
      await waitFor(() => sim!.counters.responses >= 4 + i, 5000, `heartbeat poll ${i}`);
    }
    await new Promise((r) => setTimeout(r, 100)); // let the last response be decoded

    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);

    const db = new Database(written.dbPath, { readonly: true });
    try {
      const n = (db.prepare('SELECT COUNT(*) AS n FROM device_data').get() as { n: number }).n;
      expect(n).toBe(8 + 4);
      const last = db
        .prepare(`SELECT event FROM connection_history WHERE registration_id = 'DTU-SIGTERM' ORDER BY id DESC LIMIT 1`)
        .get() as { event: string };
      expect(last.event).toBe('disconnect');
    } finally {
      db.close();
    }
    expect(logLines.some((l) => l['msg'] === 'stopped cleanly')).toBe(true);
  });

  it('check-config reports every problem with file and line, and exits 1', async () => {
    const written = writeConfigDir({
      points: (p) => {
        p.profiles['th-station'].tasks[0].quantity = 126;
        p.profiles['th-station'].points[0].scal = 0.1;
      },
    });
    dir = written.dir;
    const proc = (child = spawn(process.execPath, [BIN, 'check-config', '--config-dir', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    }));
    let out = '';
    proc.stdout!.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => proc.on('exit', (c) => resolve(c)));
    expect(code).toBe(1);
    expect(out).toMatch(/points\.yml:\d+:\d+ .*tasks\[0\]\.quantity/);
    expect(out).toMatch(/points\.yml:\d+:\d+ .*points\[0\].*scal/);
  });
});
