// A Mosquitto of the benchmark's own on a free port of 127.0.0.1 (the shared broker on 1883
// serves other work and has the default limits): no cap on the messages queued for a
// subscriber and none on those in flight, so a replay burst reaches the counting subscriber
// whole and what is missing there was lost by the sink, not dropped by the broker.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accepts, freePort } from './ports.js';

const MOSQUITTO = '/usr/sbin/mosquitto';
const START_LIMIT_MS = 10_000;

export interface BenchBroker {
  readonly port: number;
  readonly url: string;
  dispose(): Promise<void>;
}

export async function startBenchBroker(): Promise<BenchBroker> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'dtuhub-bench-mosquitto-'));
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 0\nmax_inflight_messages 0\nlog_dest none\n`,
  );
  const proc = spawn(MOSQUITTO, ['-c', conf], { stdio: 'ignore' });
  let failed: Error | null = null;
  proc.once('error', (err) => (failed = err));
  const dispose = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + START_LIMIT_MS;
  while (!(await accepts(port))) {
    if (failed || proc.exitCode !== null || Date.now() > deadline) {
      await dispose();
      throw new Error(`mosquitto did not start on ${port}: ${String(failed ?? proc.exitCode ?? 'timeout')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { port, url: `mqtt://127.0.0.1:${port}`, dispose };
}
