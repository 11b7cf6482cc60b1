// What a chart shows, in words an operator reads: "last 24 h, 1 value per 6 min". Pure
// (messages passed by language, no DOM), so it is unit-tested; the tier and row counts
// the server reports are implementation detail and go to a tooltip instead.
import { en, zh } from './messages.js';

export type WordsLang = 'en' | 'zh';

const UNITS = [
  [365 * 86_400_000, 'year'],
  [86_400_000, 'day'],
  [3_600_000, 'hour'],
  [60_000, 'minute'],
  [1000, 'second'],
] as const;

function fill(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/**
 * A span as the largest unit that divides it (7 d, 6 min, 15 s); hours up to two days,
 * because "24 h" is how a shift is counted and "1 d" is not.
 */
export function spanWords(ms: number, lang: WordsLang): string {
  const words = (lang === 'zh' ? zh : en).chart;
  for (const [size, unit] of UNITS) {
    if (unit === 'day' && ms <= 2 * 86_400_000 && ms % 3_600_000 === 0) continue;
    if (ms >= size && ms % size === 0) return fill(words[unit], { n: ms / size });
  }
  if (ms >= 1000) return fill(words.second, { n: Math.round(ms / 1000) });
  return lang === 'zh' ? `${Math.round(ms)} 毫秒` : `${Math.round(ms)} ms`;
}

/**
 * "last 24 h, 1 value per 6 min" for a range ending now, or "{from} – {to}, …" for a
 * custom one (`fixed`: the range already in words). `state`: a state point is in it.
 */
export function resolutionWords(
  range: { spanMs: number } | { fixed: string },
  bucketMs: number,
  lang: WordsLang,
  state = false,
): string {
  const words = (lang === 'zh' ? zh : en).chart;
  const described = 'fixed' in range ? range.fixed : fill(words.lastSpan, { span: spanWords(range.spanMs, lang) });
  return fill(state ? words.windowState : words.window, { range: described, step: spanWords(bucketMs, lang) });
}

/** How often a chart of a range ending now asks again: every bucket, at least 5 s apart. */
export function refreshEveryMs(bucketMs: number): number {
  return Math.max(5000, bucketMs);
}

/** Steps below a minute: served from raw samples, when there are no more than buckets. */
const FINE_STEPS = [5, 10, 15, 30].map((s) => s * 1000);
/** Steps of hours and days: served from the hour rollups. */
const HOUR_STEPS = [1, 2, 3, 6, 12, 24, 48].map((h) => h * 3_600_000);
const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * How many buckets to ask the server for, so the chart reads "1 value per 15 s", "per
 * 1 min" or "per 3 h". The server makes `(to − from) / (buckets − 1)` wide buckets and
 * reads hour rollups whenever a span holds more minutes than buckets: so a step is either
 * below a minute (raw samples, at most `most` of them), one minute (up to a day), or
 * whole hours.
 */
export function bucketsFor(spanMs: number, most = 300): number {
  const fine = FINE_STEPS.find((s) => spanMs / s <= most);
  const step =
    fine ??
    (spanMs <= DAY ? MINUTE : (HOUR_STEPS.find((s) => spanMs / s <= most) ?? HOUR_STEPS[HOUR_STEPS.length - 1]!));
  return Math.min(2000, Math.max(2, Math.ceil(spanMs / step) + 1));
}
