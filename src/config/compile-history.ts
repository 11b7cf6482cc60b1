// A `history:` mapping (a profile's default or a point's own) → HistoryPolicy, and the
// policy a point ends up with. A percent deviation becomes an absolute one here, so the
// filter on the hot path only ever compares numbers in the point's unit.
import { STORE_EVERY_SAMPLE, type HistoryPolicy } from '../domain/history-policy.js';
import type { DataType } from '../domain/point.js';
import { positiveMs } from './durations.js';
import type { YamlPath } from './errors.js';
import { HISTORY_SCHEMA, type HistoryYaml } from './schema/points.schema.js';
import type { IssueSink } from './yaml-source.js';

const DEVIATION_KEYS = ['deviation', 'deviationPercent', 'span'] as const;

/** `h` passed the schema; `at` is the path of the `history:` mapping. */
export function compileHistory(h: HistoryYaml, at: YamlPath, sink: IssueSink): HistoryPolicy {
  const written = (key: keyof HistoryYaml): boolean => sink.written([...at, key]);
  const { mode } = h;
  if (mode === 'every') {
    for (const key of [...DEVIATION_KEYS, 'maxInterval'] as const)
      if (written(key)) sink.add([...at, key], 'does not apply to mode every (every sample is stored)');
    return STORE_EVERY_SAMPLE;
  }
  const fallback = HISTORY_SCHEMA.properties.maxInterval.default as string;
  const maxIntervalMs = positiveMs(h.maxInterval, fallback, [...at, 'maxInterval'], sink);
  if (mode === 'on-change') {
    for (const key of DEVIATION_KEYS)
      if (written(key)) sink.add([...at, key], 'does not apply to mode on-change (every change is stored)');
    return { mode, maxIntervalMs };
  }
  return { mode, deviation: deviationOf(h, written, at, sink), maxIntervalMs };
}

/**
 * The deviation of a deadband or swinging door in the point's unit. A percent is of the
 * point's span (high − low), as PI's ExcDevPercent and CompDevPercent and Ignition's
 * percent deadband are: a percent of the value itself would shrink to nothing near zero.
 */
function deviationOf(
  h: HistoryYaml,
  written: (key: keyof HistoryYaml) => boolean,
  at: YamlPath,
  sink: IssueSink,
): number {
  if (written('deviation') && written('deviationPercent')) {
    sink.add(at, 'give either deviation or deviationPercent, not both');
    return 0;
  }
  if (written('span') && !written('deviationPercent'))
    sink.add([...at, 'span'], 'only applies with deviationPercent (the span it is a percent of)');
  if (written('deviationPercent')) {
    if (!written('span')) sink.add(at, "deviationPercent needs span: the point's range (high − low) in its unit");
    // A value the schema rejected is already reported; 0 stands in for it.
    return h.deviationPercent !== undefined && h.span !== undefined ? (h.deviationPercent / 100) * h.span : 0;
  }
  if (!written('deviation')) sink.add(at, `mode ${h.mode} needs deviation (or deviationPercent with span)`);
  return h.deviation ?? 0;
}

/**
 * The policy a point is stored with: its own, else its profile's. Deadbands and doors
 * compare numbers, so a bool or string point under one stores on change instead (with the
 * same maxInterval): a profile default then never needs an exception for its status bits.
 */
export function pointHistory(own: HistoryPolicy | null, profile: HistoryPolicy, type: DataType): HistoryPolicy {
  const policy = own ?? profile;
  if ((policy.mode === 'deadband' || policy.mode === 'swinging-door') && (type === 'bool' || type === 'string'))
    return { mode: 'on-change', maxIntervalMs: policy.maxIntervalMs };
  return policy;
}
