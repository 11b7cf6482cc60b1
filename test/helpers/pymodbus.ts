// A pymodbus Modbus TCP server (Debian's python3-pymodbus, an implementation independent
// of dtuhub) on 127.0.0.1, with a datastore the test fills: the channel's interoperability
// peer. The interpreter is $DTUHUB_PYTHON or /usr/bin/python3 (Debian's, where apt puts
// pymodbus), not whatever python3 is first on PATH. Without pymodbus the start fails with
// a message saying what to install: a test that cannot reach its peer must fail, not skip.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Start address → values of one table (registers as 0–65535, coils and inputs as 0/1). */
export type PymodbusTable = Readonly<Record<number, readonly number[]>>;

/** hr: holding registers (fn 03), ir: input registers (04), co: coils (01), di: discrete inputs (02). */
export interface PymodbusUnit {
  readonly hr?: PymodbusTable;
  readonly ir?: PymodbusTable;
  readonly co?: PymodbusTable;
  readonly di?: PymodbusTable;
}

export interface PymodbusServer {
  readonly port: number;
  /** pymodbus's own version string, e.g. 3.0.0.rc1. */
  readonly version: string;
  stop(): Promise<void>;
}

const SCRIPT = new URL('./pymodbus-server.py', import.meta.url).pathname;
const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;
const INSTALL_HINT =
  'install it with `apt-get install python3-pymodbus python3-serial-asyncio` (or point DTUHUB_PYTHON at a python3 that has pymodbus 3.x)';

export function pythonForPymodbus(): string {
  return process.env['DTUHUB_PYTHON'] ?? '/usr/bin/python3';
}

/** Starts the server with `units` (unit id → tables); only the addresses given exist. */
export async function startPymodbusServer(units: Readonly<Record<number, PymodbusUnit>>): Promise<PymodbusServer> {
  const python = pythonForPymodbus();
  const child = spawn(python, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => (stderr = (stderr + text).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.stdin.on('error', () => undefined);
  child.stdin.write(`${JSON.stringify({ units })}\n`);
  try {
    const ready = await readyLine(child, python, () => stderr);
    return {
      port: ready.port,
      version: ready.version,
      stop: () => stopChild(child, exited),
    };
  } catch (err) {
    await stopChild(child, exited);
    throw err;
  }
}

interface ReadyLine {
  readonly port: number;
  readonly version: string;
}

function readyLine(child: ChildProcessWithoutNullStreams, python: string, stderr: () => string): Promise<ReadyLine> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    const fail = (why: string) => {
      clearTimeout(timer);
      lines.close();
      const tail = stderr().trim();
      reject(new Error(`pymodbus server (${python}): ${why}${tail ? `\n${tail}` : ''}`));
    };
    const timer = setTimeout(() => fail(`not ready within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    child.once('error', (err) => fail(`${err.message}; ${INSTALL_HINT}`));
    child.once('exit', (code) => fail(`exited with code ${code ?? 'none'} before listening`));
    lines.once('line', (line) => {
      let message: { ready?: boolean; port?: number; version?: string; error?: string };
      try {
        message = JSON.parse(line) as typeof message;
      } catch {
        fail(`unexpected output ${JSON.stringify(line)}`);
        return;
      }
      if (!message.ready || typeof message.port !== 'number') {
        fail(`${message.error ?? 'did not start'}; ${INSTALL_HINT}`);
        return;
      }
      clearTimeout(timer);
      lines.close();
      resolve({ port: message.port, version: message.version ?? 'unknown' });
    });
  });
}

/** Closing stdin asks the server to exit; a server that does not is killed (this child, by its pid). */
async function stopChild(child: ChildProcessWithoutNullStreams, exited: Promise<void>): Promise<void> {
  // No pid: spawning failed and there is no process to stop.
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.stdin.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
