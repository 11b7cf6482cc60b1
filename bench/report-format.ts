// Number and table formatting shared by every section of docs/BENCHMARKS.md.
import type { LatencySummary } from './weighted-histogram.js';

export const num = (x: number, digits = 0) =>
  x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
export const ms = (x: number) => `${num(x, x < 10 ? 1 : 0)} ms`;
export const us = (x: number) => `${num(x, x < 100 ? 1 : 0)} µs`;
export const mib = (bytes: number) => `${num(bytes / 1048576, 1)} MiB`;
export const kib = (bytes: number) => `${num(bytes / 1024, 1)} KiB`;
export const pct = (x: number) => `${num(x * 100, 1)} %`;
export const met = (ok: boolean) => (ok ? '**met**' : '**missed**');
export const latency = (l: LatencySummary) => `${ms(l.p50)} / ${ms(l.p90)} / ${ms(l.p99)} / ${ms(l.max)}`;

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** dtuhub ÷ peer; "—" when the peer did nothing to divide by. */
export const ratio = (a: number, b: number) => (b > 0 ? `${num(a / b, 2)}×` : '—');
