// `dtuhub serve` as a real process: it starts from a config directory, polls a DTU, and on
// SIGTERM flushes everything it accepted before exiting with code 0. It reloads its config
// on SIGHUP and when a file is saved (the way editors do: a new file renamed over the old
// one), and rejects a broken file while it keeps serving.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { SimulatedDtu } from '../../../src/simulator/index.js';
import { removeDir, waitFor, writeConfigDir } from '../../helpers/app-harness.js';
import { spawnServe } from '../../helpers/serve-process.js';
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
    const served = spawnServe(dir);
    const { proc, ports, log: logLines } = served;
    child = proc;
    await waitFor(() => ports['dtu'], 20_000, 'the dtu listener');

    sim = await polledDtu(dir, ports['dtu']!, 'DTU-SIGTERM');
    // pollOnConnect reads the three interval blocks (5 + 2 + 1 points); each heartbeat reads rpm.
    for (let i = 0; i < 4; i++) {
      sim.sendHeartbeat();
      await waitFor(() => sim!.counters.responses >= 4 + i, 5000, `heartbeat poll ${i}`);
    }
    await new Promise((r) => setTimeout(r, 100)); // let the last response be decoded

    proc.kill('SIGTERM');
    expect(await served.exited).toBe(0);

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

  it('reloads on SIGHUP and on a saved file, and rejects a broken file with its line while serving', async () => {
    const written = writeConfigDir({ server: (s) => (s.logging.level = 'info') });
    dir = written.dir;
    const configDir = dir;
    const served = spawnServe(configDir);
    const { proc, ports, log: logLines } = served;
    child = proc;
    const logged = (msg: string, trigger: string) =>
      logLines.find((l) => (l['msg'] as string).startsWith(msg) && l['trigger'] === trigger);
    await waitFor(() => logLines.some((l) => l['msg'] === 'dtuhub started'), 20_000, 'start-up');

    sim = await polledDtu(configDir, ports['dtu']!, 'DTU-RELOAD');

    proc.kill('SIGHUP');
    const bySignal = await waitFor(() => logged('config reloaded', 'signal'), 5000, 'a reload on SIGHUP');
    expect(bySignal['changes']).toEqual([]);

    const points = join(configDir, 'points.yml');
    const edited = JSON.parse(readFileSync(points, 'utf8')) as Record<string, any>;
    edited.devices.unshift({ id: 'DTU-RELOAD', profile: 'th-station', name: 'Roof' });
    saveByRename(points, JSON.stringify(edited, null, 2));
    const byFile = await waitFor(() => logged('config reloaded', 'file'), 5000, 'a reload after the file was saved');
    expect(byFile['changes']).toEqual([{ scope: 'device', name: 'DTU-RELOAD', action: 'added' }]);

    saveByRename(points, 'version: 1\nlinks: [oops\n');
    const rejected = await waitFor(() => logged('config reload rejected', 'file'), 5000, 'a rejected reload');
    expect(rejected['msg']).toMatch(/points\.yml:\d+:\d+/);

    // Still serving the DTU, under its new name, on the last good config.
    const responses = sim.counters.responses;
    sim.sendHeartbeat();
    await waitFor(() => sim!.counters.responses > responses, 5000, 'a heartbeat poll after the rejection');
    expect(sim.state).toBe('connected');

    proc.kill('SIGTERM');
    expect(await served.exited).toBe(0);
    const reloads = logLines.filter((l) => l['msg'] === 'config reloaded').map((l) => l['trigger'] as string);
    expect(reloads).toEqual(['signal', 'file']);
  }, 60_000);
});

/** A simulated DTU of the example config on `port`, started, once its first polls were answered. */
async function polledDtu(dir: string, port: number, id: string): Promise<SimulatedDtu> {
  const config = loadConfig(dir);
  const dtu = new SimulatedDtu({
    id,
    target: { host: '127.0.0.1', port },
    link: config.points.links.get('transparent')!,
    profile: config.points.profiles.get('th-station')!,
    heartbeatIntervalMs: 0,
  });
  await dtu.start();
  // pollOnConnect reads the three interval blocks of th-station.
  await waitFor(() => dtu.counters.responses >= 3, 10_000, 'first polls');
  return dtu;
}

/** Writes the file as an editor that saves atomically does: a new file, renamed over the old one. */
function saveByRename(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}
