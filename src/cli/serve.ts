// `dtuhub serve`: load and validate the config, start the app, stop it cleanly on
// SIGINT/SIGTERM so every accepted sample is flushed before exit; SIGHUP reloads the config
// (and so does saving a file in the config directory: docs/CONFIG.md, "Live configuration").
import { ConfigError, formatConfigIssues, loadConfig } from '../config/load.js';
import { createLogger } from '../log.js';
import { DtuhubApp } from '../app.js';
import { AdminPasswordMissingError } from '../web/auth/bootstrap-admin.js';

export async function runServe(configDir: string): Promise<number> {
  let config;
  try {
    config = loadConfig(configDir);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${formatConfigIssues(err.issues)}\n${err.issues.length} problem(s) in ${configDir}\n`);
      return 1;
    }
    throw err;
  }
  const log = createLogger(config.server.logging);
  const app = new DtuhubApp(config, log, { watchConfig: true });
  // Listening from the first moment: a signal while the app starts (opening the store,
  // replaying a spill journal) stops it once started, instead of killing it mid-way.
  let signalled: ((signal: string) => void) | null = null;
  const pending: string[] = [];
  const onSignal = (signal: string) => (signalled ? signalled(signal) : pending.push(signal));
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  // A SIGHUP before the app has started is dropped: the config read at start is the newest.
  let started = false;
  process.on('SIGHUP', () => {
    if (!started) return;
    app.configReload.reload('signal').catch((err: unknown) => log.error({ err }, 'config reload failed'));
  });
  try {
    await app.start();
    started = true;
  } catch (err) {
    log.fatal({ err }, 'start-up failed');
    // Configuration mistakes (like a missing admin password) also go to stderr in plain words.
    if (err instanceof AdminPasswordMissingError) process.stderr.write(`${err.message}\n`);
    await app.stop().catch(() => undefined);
    return 1;
  }

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'stopping');
      app.stop().then(
        () => {
          log.info('stopped cleanly');
          resolve(0);
        },
        (err: unknown) => {
          log.error({ err }, 'stop failed');
          resolve(1);
        },
      );
    };
    signalled = stop;
    if (pending[0]) stop(pending[0]);
  });
}
