// What differs between the running config and a newly loaded one, as the parts a live
// reload touches (docs/CONFIG.md, "Live configuration"). Pure: compiled config in, names out.
//
// A part counts as changed when anything it runs on changed: a listener whose link changed,
// a channel whose profile or link changed. The appliers then only act on the names listed.
import type { ConfigChange } from '../domain/config-reload.js';
import type { DeviceMatch, DtuhubConfig, ServerConfig } from '../domain/config.js';
import { noRules } from '../domain/rules.js';

export interface ConfigDiff {
  /** What a reload applies, in a stable order (scope, then name). */
  readonly changes: readonly ConfigChange[];
  /** server.yml / rules.yml settings that differ but only take effect after a restart, e.g. `storage`. */
  readonly needsRestart: readonly string[];
}

export function diffConfig(before: DtuhubConfig, after: DtuhubConfig): ConfigDiff {
  const changes: ConfigChange[] = [];
  const profiles = diffNamed('profile', before.points.profiles, after.points.profiles, changes);
  const links = diffNamed('link', before.points.links, after.points.links, changes);
  diffNamed('device', deviceEntries(before.points.devices), deviceEntries(after.points.devices), changes);

  const rulesBefore = before.rules ?? noRules();
  const rulesAfter = after.rules ?? noRules();
  diffNamed('rule', byName(rulesBefore.rules), byName(rulesAfter.rules), changes);
  diffNamed('webhook', rulesBefore.webhooks, rulesAfter.webhooks, changes);
  diffNamed('mqtt', rulesBefore.mqtt, rulesAfter.mqtt, changes);
  diffNamed('notifier', rulesBefore.notifiers, rulesAfter.notifiers, changes);

  diffNamed('listener', byName(before.server.listeners), byName(after.server.listeners), changes, (l) =>
    l.links.some((name) => links.has(name)),
  );
  diffNamed('channel', byName(before.server.channels), byName(after.server.channels), changes, (c) => {
    if (c.type !== 'modbus-tcp' && c.type !== 'rtu-over-tcp') return false;
    if (c.profile !== null && profiles.has(c.profile)) return true;
    return c.type === 'rtu-over-tcp' && c.link !== null && links.has(c.link);
  });
  diffNamed('sink', byName(before.server.sinks), byName(after.server.sinks), changes);

  const { server: s0 } = before;
  const { server: s1 } = after;
  // Every `retention` setting is live: what sessions record (the gateway), and the ages,
  // caps and sweep interval the history store keeps to from its next sweep.
  for (const key of Object.keys(s1.retention) as (keyof ServerConfig['retention'])[]) {
    if (s0.retention[key] !== s1.retention[key]) {
      changes.push({ scope: 'server', name: `retention.${key}`, action: 'changed' });
    }
  }
  if (!same(s0.writeBuffer, s1.writeBuffer)) changes.push({ scope: 'server', name: 'writeBuffer', action: 'changed' });
  if (s0.logging.level !== s1.logging.level)
    changes.push({ scope: 'server', name: 'logging.level', action: 'changed' });

  return { changes: changes.sort(byScopeThenName), needsRestart: restartOnly(before, after) };
}

/**
 * The config that runs after `next` is applied: `next`, except the settings that need a
 * restart, which keep their running value. So `app.config` says what runs, and each later
 * reload still lists them in `needsRestart` until the restart.
 */
export function runningAfterReload(before: DtuhubConfig, next: DtuhubConfig): DtuhubConfig {
  const server: ServerConfig = {
    ...next.server,
    storage: before.server.storage,
    web: before.server.web,
    metrics: before.server.metrics,
    sessions: before.server.sessions,
    logging: { ...next.server.logging, pretty: before.server.logging.pretty },
  };
  return Object.freeze({ ...next, server: Object.freeze(server) });
}

/** Names of the changes of one scope (added, changed or removed). */
export function changedNames(changes: readonly ConfigChange[], scope: ConfigChange['scope']): Set<string> {
  return new Set(changes.filter((c) => c.scope === scope).map((c) => c.name));
}

/** How a device entry of points.yml is named in a change: its ID, its `/pattern/`, or `*` (the default). */
export function deviceEntryName(entry: DeviceMatch): string {
  return entry.kind === 'id' ? entry.id : entry.kind === 'pattern' ? `/${entry.pattern.source}/` : '*';
}

function deviceEntries(devices: readonly DeviceMatch[]): Map<string, DeviceMatch> {
  return new Map(devices.map((d) => [deviceEntryName(d), d]));
}

function byName<T extends { readonly name: string }>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((i) => [i.name, i]));
}

/**
 * Adds one change per name added, removed or different; `dependsOnChange` marks an equal
 * entry changed too (it runs on something that changed). Returns the names listed.
 */
function diffNamed<T>(
  scope: ConfigChange['scope'],
  before: ReadonlyMap<string, T>,
  after: ReadonlyMap<string, T>,
  out: ConfigChange[],
  dependsOnChange: (item: T) => boolean = () => false,
): Set<string> {
  const names = new Set<string>();
  for (const [name, item] of after) {
    const old = before.get(name);
    if (old === undefined) out.push({ scope, name, action: 'added' });
    else if (!same(old, item) || dependsOnChange(item)) out.push({ scope, name, action: 'changed' });
    else continue;
    names.add(name);
  }
  for (const name of before.keys()) {
    if (after.has(name)) continue;
    out.push({ scope, name, action: 'removed' });
    names.add(name);
  }
  return names;
}

/** Settings that keep their start-up value until dtuhub restarts. */
function restartOnly(before: DtuhubConfig, after: DtuhubConfig): string[] {
  const out: string[] = [];
  const s0: ServerConfig = before.server;
  const s1: ServerConfig = after.server;
  if (!same(s0.storage, s1.storage)) out.push('storage');
  for (const key of Object.keys(s1.web) as (keyof ServerConfig['web'])[]) {
    if (!same(s0.web[key], s1.web[key])) out.push(`web.${key}`);
  }
  for (const key of Object.keys(s1.sessions) as (keyof ServerConfig['sessions'])[]) {
    // With `timerResolution: auto` the step follows the poll periods: the running one stays
    // a valid step (only coarser or finer), so a poll interval edit is not a restart.
    if ((key === 'timerResolutionMs' || key === 'timerResolutionAuto') && s1.sessions.timerResolutionAuto) continue;
    if (!same(s0.sessions[key], s1.sessions[key]))
      out.push(`sessions.${key === 'timerResolutionMs' ? 'timerResolution' : key}`);
  }
  for (const key of Object.keys(s1.metrics) as (keyof ServerConfig['metrics'])[]) {
    if (!same(s0.metrics[key], s1.metrics[key])) out.push(`metrics.${key}`);
  }
  if (s0.logging.pretty !== s1.logging.pretty) out.push('logging.pretty');
  return out;
}

function byScopeThenName(a: ConfigChange, b: ConfigChange): number {
  return a.scope === b.scope ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.scope < b.scope ? -1 : 1;
}

/** Structural equality of compiled config values: maps, buffers, regexes, arrays, records. */
export function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (a instanceof RegExp || b instanceof RegExp) {
    return a instanceof RegExp && b instanceof RegExp && a.source === b.source && a.flags === b.flags;
  }
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && Buffer.compare(a, b) === 0;
  }
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map && b instanceof Map) || a.size !== b.size) return false;
    for (const [key, value] of a) if (!b.has(key) || !same(value, b.get(key))) return false;
    return true;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!(Array.isArray(a) && Array.isArray(b)) || a.length !== b.length) return false;
    return a.every((item, i) => same(item, b[i]));
  }
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  const recordB = b as Record<string, unknown>;
  return keysA.every((key) => Object.hasOwn(recordB, key) && same((a as Record<string, unknown>)[key], recordB[key]));
}
