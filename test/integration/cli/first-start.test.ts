// `dtuhub serve` started for the first time without an admin password, on loopback: the
// generated password is one plain line on stderr (never inside a JSON log line on stdout)
// and a file next to the database that only its owner can read.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { removeDir, waitFor, writeConfigDir } from '../../helpers/app-harness.js';
import { spawnServe, type ServeProcess } from '../../helpers/serve-process.js';

let served: ServeProcess | null = null;
let dir = '';

afterEach(async () => {
  if (served && served.proc.exitCode === null) {
    served.proc.kill('SIGTERM');
    await served.exited;
  }
  served = null;
  if (dir) removeDir(dir);
});

describe('first start without an admin password', () => {
  it('prints the one-time password as one plain stderr line and writes it to a 0600 file', async () => {
    const written = writeConfigDir({
      server: (s) => {
        s.web.admin = { username: 'admin' };
        s.logging.level = 'info';
      },
    });
    dir = written.dir;
    served = spawnServe(dir);
    const stderr: string[] = [];
    createInterface({ input: served.proc.stderr! }).on('line', (line) => stderr.push(line));

    const line = await waitFor(
      () => stderr.find((l) => l.startsWith('dtuhub: web admin "admin" one-time password: ')),
      20_000,
      'the password line on stderr',
    );
    const file = join(dirname(written.dbPath), 'initial-admin-password');
    const password = /one-time password: (\S+) \(also in (.+), readable by its owner only\)/.exec(line);
    expect(password?.[2]).toBe(file);
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toContain(`password: ${password![1]}\n`);
    // The JSON log says where it is, never what it is.
    await waitFor(
      () => served!.log.find((l) => String(l['msg']).startsWith('generated a one-time admin password')),
      10_000,
      'the JSON log line',
    );
    expect(JSON.stringify(served.log)).not.toContain(password![1]);
  });
});
