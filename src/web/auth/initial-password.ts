// Where the first admin's generated password is shown (issue 19): one plain line on stderr,
// not inside a JSON log line among rule warnings, and a file only the owner can read (mode
// 0600) next to the database, for a service whose stderr went to a journal nobody reads.
// The file goes when the password is changed: a stale copy would only mislead.
import { closeSync, fchmodSync, openSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { StorageConfig } from '../../domain/config.js';

export const INITIAL_PASSWORD_FILE = 'initial-admin-password';

/** Beside the SQLite file, or in the MySQL spill directory (dtuhub's own data directory). */
export function initialPasswordPath(storage: StorageConfig): string | null {
  if (storage.driver === 'sqlite') {
    if (storage.path === ':memory:' || storage.path === '') return null;
    return join(dirname(resolve(storage.path)), INITIAL_PASSWORD_FILE);
  }
  return join(resolve(storage.spill.dir), INITIAL_PASSWORD_FILE);
}

export interface InitialPasswordNotice {
  /** The file to write, or null for none. */
  readonly file: string | null;
  /** Where the plain line goes; default: stderr. */
  readonly print?: (line: string) => void;
}

/** Prints the line and writes the file (mode 0600); answers the file written, or null. */
export function announceInitialPassword(
  notice: InitialPasswordNotice,
  username: string,
  password: string,
): string | null {
  const written = notice.file !== null && writeOwnerOnly(notice.file, username, password) ? notice.file : null;
  const where = written ? ` (also in ${written}, readable by its owner only)` : '';
  const print = notice.print ?? ((line: string) => process.stderr.write(line + '\n'));
  print(`dtuhub: web admin "${username}" one-time password: ${password}${where}; change it at the first login`);
  return written;
}

function writeOwnerOnly(file: string, username: string, password: string): boolean {
  try {
    // Replace, never append: a file left by an earlier install must not keep other modes.
    rmSync(file, { force: true });
    const fd = openSync(file, 'wx', 0o600);
    try {
      fchmodSync(fd, 0o600); // the umask may have narrowed it, never widened; be explicit anyway
      writeSync(
        fd,
        `# dtuhub: the first web admin's generated password. It must be changed at the first\n` +
          `# login; this file is deleted then.\nusername: ${username}\npassword: ${password}\n`,
      );
    } finally {
      closeSync(fd);
    }
    return true;
  } catch {
    return false;
  }
}

/** Deletes the file once the password it holds is no longer valid; missing is fine. */
export function removeInitialPassword(file: string | null): void {
  if (file !== null) rmSync(file, { force: true });
}
