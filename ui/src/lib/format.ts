// How values look on screen: times in the browser's time zone, numbers with their units,
// byte sizes, durations and hex dumps. Pure functions.

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** "2026-11-22 14:03:07" in the browser's time zone (milliseconds on request). */
export function formatTime(ms: number | null | undefined, withMs = false): string {
  if (ms === null || ms === undefined) return '—';
  const d = new Date(ms);
  const base = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return withMs ? `${base}.${pad(d.getMilliseconds(), 3)}` : base;
}

/** ISO 8601 in UTC, for tooltips and <time datetime>. */
export const isoTime = (ms: number) => new Date(ms).toISOString();

/** The browser's time zone name, shown next to time columns. */
export const timeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * "2026-11-22 09:05" in the browser's time zone, for the 24-hour date/time text inputs
 * (a native datetime-local shows AM/PM whenever the browser's own locale is en-US, even
 * on the Chinese page).
 */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** What the date/time inputs accept: date, space or T, 24-hour time, optional seconds. */
export const LOCAL_INPUT_PATTERN = String.raw`\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{2}(:\d{2})?`;

/** Epoch ms from a date/time input (local time); undefined when empty or not a real time. */
export function fromLocalInput(value: string): number | undefined {
  const m = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?\s*$/.exec(value);
  if (!m) return undefined;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = m
    .slice(1)
    .map((part) => (part === undefined ? 0 : Number(part)));
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const d = new Date(year, month - 1, day, hour, minute, second);
  // 2026-02-31 would roll over into March: refuse it rather than guess.
  return d.getDate() === day ? d.getTime() : undefined;
}

export function formatNumber(value: number, maxDecimals = 3): string {
  if (!Number.isFinite(value)) return String(value);
  return value.toLocaleString(undefined, {
    maximumFractionDigits: Math.abs(value) >= 1000 ? 1 : maxDecimals,
    useGrouping: Math.abs(value) >= 10000,
  });
}

/** "23.4 °C"; a text point as its text; no value as a dash. */
export function formatValue(value: number | null, text: string | null, unit: string | null | undefined): string {
  if (value === null) return text ?? '—';
  const number = formatNumber(value);
  return unit ? `${number} ${unit}` : number;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${value.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/** "3d 4h", "5m 12s", "850 ms" — the biggest two units. */
export function formatDuration(ms: number, lang: 'en' | 'zh'): string {
  if (ms < 1000) return lang === 'zh' ? `${Math.round(ms)} 毫秒` : `${Math.round(ms)} ms`;
  const parts: [number, string, string][] = [
    [86_400_000, 'd', '天'],
    [3_600_000, 'h', '小时'],
    [60_000, 'm', '分'],
    [1000, 's', '秒'],
  ];
  const out: string[] = [];
  let rest = ms;
  for (const [size, enUnit, zhUnit] of parts) {
    const n = Math.floor(rest / size);
    if (n > 0 || out.length > 0) out.push(`${n}${lang === 'zh' ? zhUnit : enUnit}`);
    rest -= n * size;
    if (out.length === 2) break;
  }
  return out.join(lang === 'zh' ? '' : ' ');
}

export function formatPercent(value: number): string {
  return `${value.toFixed(1)} %`;
}

export interface HexLine {
  offset: string;
  hex: string;
  ascii: string;
}

/** A hex dump, 16 bytes a line, with printable ASCII beside it. */
export function hexDump(hex: string): HexLine[] {
  const bytes: number[] = [];
  for (let i = 0; i + 1 < hex.length; i += 2) bytes.push(parseInt(hex.slice(i, i + 2), 16));
  const lines: HexLine[] = [];
  for (let start = 0; start < bytes.length; start += 16) {
    const chunk = bytes.slice(start, start + 16);
    lines.push({
      offset: start.toString(16).padStart(4, '0'),
      hex: chunk.map((b) => b.toString(16).padStart(2, '0')).join(' '),
      ascii: chunk.map((b) => (b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : '.')).join(''),
    });
  }
  return lines;
}

/** "01 03 07 d0" from "0103 07d0"-like input, for a one-line preview. */
export function spacedHex(hex: string, maxBytes = 24): string {
  const pairs = hex.replace(/\s+/g, '').match(/.{1,2}/g) ?? [];
  const shown = pairs.slice(0, maxBytes).join(' ');
  return pairs.length > maxBytes ? `${shown} …` : shown;
}

/** A chart axis tick: "14:05" within a day and a half, "11-22 14:00" within a week, else "11-22". */
export function axisTime(ms: number, spanMs: number): string {
  const d = new Date(ms);
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const md = `${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  if (spanMs <= 36 * 3_600_000) return hm;
  return spanMs <= 8 * 86_400_000 ? `${md} ${hm}` : md;
}
