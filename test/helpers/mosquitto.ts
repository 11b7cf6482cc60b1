// A private Mosquitto broker as a child process on a free port of 127.0.0.1, for tests that
// take the broker away and bring it back (the shared broker on 1883 must stay up for others).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './app-harness.js';
import { accepts, freePort } from './channels.js';

const MOSQUITTO = '/usr/sbin/mosquitto';

export interface PrivateBroker {
  readonly port: number;
  readonly url: string;
  /** Kills the broker and waits until it has exited (its clients see the connection drop). */
  stop(): Promise<void>;
  /** Starts it again on the same port and waits until it accepts connections. */
  restart(): Promise<void>;
  /** Stops it and removes its config. */
  dispose(): Promise<void>;
}

export interface BrokerOptions {
  /** false with no password file: every login is refused (CONNACK "not authorized"). */
  readonly anonymous?: boolean;
  /** A TLS listener (mqtts://) with this certificate; clients must present one the CA signed when `requireClientCertificate`. */
  /**
   * Sessions and queued messages kept on disk across a stop and restart (stop sends SIGTERM
   * so the broker saves them), with no cap on messages queued for an offline subscriber.
   */
  readonly persistent?: boolean;
  readonly tls?: {
    readonly ca: string;
    readonly cert: string;
    readonly key: string;
    readonly requireClientCertificate?: boolean;
  };
}

export async function startPrivateBroker(options: BrokerOptions = {}): Promise<PrivateBroker> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'dtuhub-mosquitto-'));
  const conf = join(dir, 'mosquitto.conf');
  const { tls } = options;
  const tlsLines = tls
    ? `cafile ${tls.ca}\ncertfile ${tls.cert}\nkeyfile ${tls.key}\nrequire_certificate ${tls.requireClientCertificate ?? false}\n`
    : '';
  const persistence = options.persistent ? `persistence true\npersistence_location ${dir}/\n` : 'persistence false\n';
  // No cap on a client's queue (Mosquitto's default is 1,000 messages): a test's subscriber
  // that falls behind on a loaded machine would otherwise lose QoS 1 messages it asserts on.
  writeFileSync(
    conf,
    `listener ${port} 127.0.0.1\n${tlsLines}allow_anonymous ${options.anonymous ?? true}\n${persistence}max_queued_messages 0\nlog_dest none\n`,
  );
  let child: ChildProcess | null = null;

  const start = async () => {
    const proc = spawn(MOSQUITTO, ['-c', conf], { stdio: 'ignore' });
    child = proc;
    let failed: Error | null = null;
    proc.once('error', (err) => (failed = err));
    await waitFor(
      async () => {
        if (failed) throw failed;
        if (proc.exitCode !== null) throw new Error(`mosquitto exited with ${proc.exitCode}`);
        return accepts(port);
      },
      10_000,
      `mosquitto listening on ${port}`,
    );
  };
  const stop = async () => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill(options.persistent ? 'SIGTERM' : 'SIGKILL');
    await exited;
  };

  await start();
  return {
    port,
    url: `${tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${port}`,
    stop,
    restart: start,
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
