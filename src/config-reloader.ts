// Live configuration: loads the config files as they are on disk now, validates them in full
// with the same loader as start-up, and only then hands the difference to the running app.
// A bad file changes nothing. One reload at a time: a second trigger waits for the first.
import { diffConfig, runningAfterReload, type ConfigDiff } from './config/diff.js';
import { ConfigError, formatConfigIssues, loadConfig } from './config/load.js';
import type { ConfigReloading, ReloadOutcome, ReloadTrigger } from './domain/config-reload.js';
import type { DtuhubConfig } from './domain/config.js';
import type { Logger } from './log.js';

/** What the reloader needs of the app: the config running now, and a way to apply a new one. */
export interface ReloadTarget {
  current(): DtuhubConfig;
  /** Applies `next` at the scopes `diff` names; from then on `current()` returns it. */
  apply(next: DtuhubConfig, diff: ConfigDiff): Promise<void>;
  /** Raises a catalogue event (`config.reloaded`, `config.rejected`); a no-op while stopped. */
  raise(type: 'config.reloaded' | 'config.rejected', payload: Record<string, unknown>): void;
}

export class ConfigReloader implements ConfigReloading {
  private latest: ReloadOutcome | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly target: ReloadTarget,
    private readonly log: Logger,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  reload(trigger: ReloadTrigger, actor?: string): Promise<ReloadOutcome> {
    const run = this.queue.then(() => this.run(trigger, actor ?? null));
    this.queue = run.catch(() => undefined);
    return run;
  }

  last(): ReloadOutcome | null {
    return this.latest;
  }

  private async run(trigger: ReloadTrigger, actor: string | null): Promise<ReloadOutcome> {
    const before = this.target.current();
    let next: DtuhubConfig;
    try {
      next = loadConfig(before.configDir, this.env);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      const outcome: ReloadOutcome = { ok: false, at: Date.now(), trigger, actor, issues: err.issues };
      this.latest = outcome;
      this.log.error(
        { trigger, actor, problems: err.issues.length },
        `config reload rejected, nothing changed:\n${formatConfigIssues(err.issues)}`,
      );
      this.target.raise('config.rejected', { trigger, actor, issues: err.issues });
      return outcome;
    }
    const diff = diffConfig(before, next);
    const { changes, needsRestart } = diff;
    // A watched file saved by someone who then reloaded (the API, the config editor) is seen
    // again here with nothing new: no second outcome or event for it.
    if (
      trigger === 'file' &&
      changes.length === 0 &&
      this.latest?.ok === true &&
      sameList(needsRestart, this.latest.needsRestart)
    ) {
      return { ok: true, at: Date.now(), trigger, actor, changes, needsRestart };
    }
    await this.target.apply(runningAfterReload(before, next), diff);
    const outcome: ReloadOutcome = { ok: true, at: Date.now(), trigger, actor, changes, needsRestart };
    this.latest = outcome;
    this.log.info({ trigger, actor, changes, needsRestart }, 'config reloaded');
    if (needsRestart.length > 0) this.log.warn({ needsRestart }, 'some settings changed apply after a restart');
    this.target.raise('config.reloaded', { trigger, actor, changes, needsRestart });
    return outcome;
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}
