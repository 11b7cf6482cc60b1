// `dtuhub serve` as a child process (from dist/: `npm run build` first), with its JSON log
// lines collected and the port each listener bound, for tests that signal or kill it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

const BIN = new URL('../../bin/dtuhub.js', import.meta.url).pathname;

export interface ServeProcess {
  readonly proc: ChildProcess;
  /** Every JSON log line so far, in order. */
  readonly log: Record<string, any>[];
  /** Bound port by listener name, as logged. */
  readonly ports: Record<string, number>;
  readonly exited: Promise<number | null>;
}

export function spawnServe(configDir: string, stderr: 'pipe' | 'inherit' = 'pipe'): ServeProcess {
  const proc = spawn(process.execPath, [BIN, 'serve', '--config-dir', configDir], {
    stdio: ['ignore', 'pipe', stderr],
  });
  const log: Record<string, any>[] = [];
  const ports: Record<string, number> = {};
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    try {
      const entry = JSON.parse(line) as Record<string, any>;
      log.push(entry);
      if (entry['msg'] === 'listening for DTUs') ports[entry['listener'] as string] = entry['port'] as number;
    } catch {
      // not a log line
    }
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, log, ports, exited };
}
