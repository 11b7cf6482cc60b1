// `dtuhub check-config [dir]`: validates the config directory without starting anything.
// Prints every problem (exit 1) or a short summary of what would run (exit 0).
import type { DtuhubConfig, Schedule, ServerConfig, StorageConfig } from '../domain/config.js';
import { ConfigError, formatConfigIssue } from '../config/errors.js';
import { loadConfig } from '../config/load.js';
import { channelFeeds, channelTarget } from '../channels/channel-target.js';
import { s7TagLines } from '../channels/s7/s7-target.js';
import { notifierLine } from '../events/notify/describe.js';
import { describeCondition } from '../events/rules/point-condition.js';
import { sinkTarget } from '../sinks/factories.js';
import type { SinkConfig } from '../domain/sinks.js';

export function runCheckConfig(
  configDir: string,
  out: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): number {
  let config: DtuhubConfig;
  try {
    config = loadConfig(configDir, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const issue of err.issues) out(formatConfigIssue(issue));
    out(`${count(err.issues.length, 'problem')} in ${configDir}`);
    return 1;
  }
  for (const line of summarize(config)) out(line);
  return 0;
}

export function summarize(config: DtuhubConfig): string[] {
  const { server, points } = config;
  const lines = [`config OK: ${config.configDir}`];
  lines.push(`listeners (${server.listeners.length}):`);
  for (const l of server.listeners) {
    const links = l.links.map((name) => {
      const link = points.links.get(name);
      return `${name} (${link?.framing ?? '?'}, ${link?.registration.type ?? '?'} registration)`;
    });
    lines.push(`  ${l.name} ${l.host}:${l.port} → link ${links.join(', then ')}`);
  }
  if (server.channels.length > 0) {
    lines.push(`channels (${server.channels.length}):`);
    for (const c of server.channels) {
      lines.push(`  ${c.name} ${c.type} → ${channelTarget(c)}: ${channelFeeds(c)}${c.enabled ? '' : ' (disabled)'}`);
      if (c.type === 's7') lines.push(...s7TagLines(c));
    }
  }
  if (server.sinks.length > 0) {
    lines.push(`sinks (${server.sinks.length}):`);
    for (const s of server.sinks) lines.push(`  ${sinkLine(s)}`);
  }
  lines.push(
    `web: ${server.web.host}:${server.web.port}`,
    `metrics: ${describeMetrics(server)}`,
    `storage: ${describeStorage(server.storage)}`,
  );
  const { timerResolutionMs: step, timerResolutionAuto: auto } = server.sessions;
  lines.push(
    `timers: polls, timeouts and heartbeat checks at most ${formatMs(step)} late (${auto ? 'auto' : 'sessions.timerResolution'})`,
  );
  lines.push(`profiles (${points.profiles.size}):`);
  for (const p of points.profiles.values()) {
    const blocks = p.tasks.reduce((n, t) => n + t.blocks.length, 0);
    lines.push(
      `  ${p.name}: ${count(p.slaves.length, 'slave')}, ${count(p.points.length, 'point')}, ` +
        `${count(p.tasks.length, 'task')}, ${count(blocks, 'read block')}`,
    );
    for (const s of p.slaves) {
      if (!s.meter) continue;
      const address = s.meter.address ?? 'discover (read-address: the meter must be alone on the bus)';
      lines.push(`    slave ${s.id} (${s.name}): DL/T 645-${s.meter.version} meter ${address}`);
    }
    for (const t of p.tasks) {
      const meterReads = (t.meterReads ?? []).map((r) => `slave ${r.slave} ${r.point.identifier!.name}`);
      const reads = [
        ...t.blocks.map((b) => `slave ${b.slave} fn ${b.fn} ${b.address}×${b.quantity}`),
        ...meterReads,
      ].join(', ');
      const pointCount = t.blocks.reduce((n, b) => n + b.points.length, 0) + meterReads.length;
      lines.push(
        `    ${t.name} (${describeSchedule(t.schedule)}): ${reads || 'nothing'}; ${count(pointCount, 'point')}`,
      );
    }
  }
  lines.push(`device rules (${points.devices.length}):`);
  for (const d of points.devices) {
    if (d.kind === 'id') lines.push(`  id ${d.id} → ${d.profile}${d.name ? ` (${d.name})` : ''}`);
    else if (d.kind === 'pattern') lines.push(`  pattern ${d.pattern.source} → ${d.profile}`);
    else lines.push(`  default → ${d.profile}`);
  }
  lines.push(...summarizeRules(config));
  return lines;
}

function summarizeRules(config: DtuhubConfig): string[] {
  const rules = config.rules;
  if (!rules?.file) return ['rules: none (no rules.yml)'];
  const lines = [`rules (${rules.rules.length}) from ${rules.file}:`];
  for (const r of rules.rules) {
    const source =
      r.source.kind === 'events'
        ? `on ${r.source.types.join(', ')}`
        : `${r.source.point} ${describeCondition(r.source.condition)}`;
    lines.push(
      `  ${r.name}: ${source} → ${r.actions.map((a) => (a.kind === 'webhook' ? `webhook ${a.endpoint}` : a.kind === 'mqtt' ? `mqtt ${a.broker}` : a.kind === 'notify' ? `notify ${a.notifier}` : 'log')).join(', ')}`,
    );
  }
  for (const w of rules.webhooks.values()) {
    lines.push(
      `  webhook ${w.name}: ${w.method} ${w.url}${w.enabled ? '' : ' (disabled)'}${w.secrets.length ? `, signed with ${count(w.secrets.length, 'secret')}` : ', unsigned'}`,
    );
  }
  for (const n of rules.notifiers.values()) lines.push(`  ${notifierLine(n)}`);
  return lines;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function describeSchedule(s: Schedule): string {
  if (s.kind === 'interval') return `every ${formatMs(s.everyMs)}`;
  return `on ${s.kind}`;
}

function formatMs(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** Where the history goes, without the password. */
/** Where Prometheus scrapes and what it must send (docs/METRICS.md). */
function describeMetrics({ metrics, web }: ServerConfig): string {
  if (!metrics.enabled) return 'off';
  if (metrics.listen) {
    const { host, port } = metrics.listen;
    return `http://${host}:${port}/metrics, ${metrics.token ? 'bearer metrics.token' : 'no authentication'}`;
  }
  if (!web.enabled) return 'off (the web server is off)';
  return `/metrics on the web port, bearer ${metrics.token ? 'metrics.token or ' : ''}API token`;
}

function describeStorage(storage: StorageConfig): string {
  if (storage.driver === 'sqlite') return `sqlite ${storage.path}`;
  return `mysql ${storage.user}@${storage.host}:${storage.port}/${storage.database} (pool ${storage.poolSize}${storage.tls ? ', TLS' : ''}; spill journal ${storage.spill.dir})`;
}

/** `influx influxdb → http://127.0.0.1:8086 (v2 plant/dtu): all samples, spill data/spill/sinks/influx` */
function sinkLine(s: SinkConfig): string {
  const target = sinkTarget(s);
  const samples = s.samples === 'all' ? 'all samples' : 'stored samples only';
  return `${s.name} ${s.type} → ${target}: ${samples}, spill ${s.spill.dir}${s.enabled ? '' : ' (disabled)'}`;
}
