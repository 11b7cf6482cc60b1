// A real SMTP server on 127.0.0.1 for e-mail notifier tests: Debian's python3-aiosmtpd
// (smtp-sink.py), run by $DTUHUB_PYTHON or /usr/bin/python3. Every accepted message is
// read back as its envelope and raw RFC 5322 text. Without python3 or aiosmtpd the start
// rejects with what to install: the test fails, it never skips.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from './channels.js';

export interface ReceivedMail {
  readonly mail_from: string;
  readonly rcpt_tos: string[];
  /** Decoded by Python's e-mail parser. */
  readonly subject: string;
  /** Decoded text of each text part by content type: text/plain, text/html. */
  readonly parts: Record<string, string>;
  /** The message as received: headers, blank line, MIME body. */
  readonly data: string;
}

export interface SmtpServer {
  readonly port: number;
  messages(): ReceivedMail[];
  stop(): Promise<void>;
}

const SCRIPT = new URL('./smtp-sink.py', import.meta.url).pathname;
const HINT =
  'install it with `apt-get install python3-aiosmtpd` (or point DTUHUB_PYTHON at a python3 that has aiosmtpd)';

export async function startSmtpServer(): Promise<SmtpServer> {
  const python = process.env['DTUHUB_PYTHON'] ?? '/usr/bin/python3';
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'dtuhub-smtp-'));
  const file = join(dir, 'mail.jsonl');
  const child = spawn(python, [SCRIPT, String(port), file], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (t: string) => (stderr = (stderr + t).slice(-4000)));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`aiosmtpd did not start in 20 s: ${stderr}`)), 20_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${python} (${err.message}); ${HINT}`));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`${python} smtp-sink.py exited with ${code}: ${stderr.trim()}; ${HINT}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('READY ')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return {
    port,
    messages: () =>
      existsSync(file)
        ? readFileSync(file, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as ReceivedMail)
        : [],
    async stop() {
      child.stdin.end();
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await closed;
      clearTimeout(killer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
