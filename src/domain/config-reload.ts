// What applying a changed configuration without a restart reports, shared by the reloader
// (file watch, SIGHUP, the API) and the config editor (which saves a file, then reloads).

/** One config problem: where it is and what is wrong (config/errors.ts collects them). */
export interface ConfigIssue {
  readonly file: string;
  /** 1-based; null when the problem has no place in a file (e.g. the file is missing). */
  readonly line: number | null;
  readonly column: number | null;
  /** YAML path, e.g. `profiles.th-station.points[3].address`; empty for the whole file. */
  readonly field: string;
  readonly message: string;
}

/** What asked for the reload. */
export type ReloadTrigger = 'file' | 'signal' | 'api' | 'ui';

/** One part of the running gateway a reload touched, e.g. `{ scope: 'profile', name: 'th-station' }`. */
export interface ConfigChange {
  /** `mqtt`: a broker of rules.yml's `mqtt:`. */
  readonly scope:
    | 'profile'
    | 'device'
    | 'link'
    | 'rule'
    | 'listener'
    | 'channel'
    | 'sink'
    | 'webhook'
    | 'mqtt'
    | 'notifier'
    | 'server';
  readonly name: string;
  readonly action: 'added' | 'changed' | 'removed';
}

export type ReloadOutcome =
  | {
      readonly ok: true;
      readonly at: number;
      readonly trigger: ReloadTrigger;
      readonly actor: string | null;
      readonly changes: readonly ConfigChange[];
      /** Settings that differ on disk but keep their running value until a restart, e.g. `storage`, `web.port`. */
      readonly needsRestart: readonly string[];
    }
  | {
      readonly ok: false;
      readonly at: number;
      readonly trigger: ReloadTrigger;
      readonly actor: string | null;
      /** The same file:line:field problems `dtuhub check-config` prints; nothing was applied. */
      readonly issues: readonly ConfigIssue[];
    };

/** Applies the config files as they are now on disk, all or nothing. */
export interface ConfigReloading {
  reload(trigger: ReloadTrigger, actor?: string): Promise<ReloadOutcome>;
  /** The latest outcome, or null before the first reload. */
  last(): ReloadOutcome | null;
}
