// Whether a moment falls in a notifier's quiet hours. Pure; the time zone is resolved with
// Intl, so "22:00–07:00 Asia/Shanghai" holds whatever zone the server runs in.
import type { QuietHours } from '../../domain/notifiers.js';

/** Minutes after local midnight of `at` in `timezone` (null: the server's zone). */
export function minuteOfDay(at: number, timezone: string | null): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone ?? undefined,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

/** from ≤ minute < to, wrapping past midnight when from > to (22:00 → 07:00). */
export function inQuietHours(quiet: QuietHours, at: number): boolean {
  const m = minuteOfDay(at, quiet.timezone);
  return quiet.fromMinute < quiet.toMinute
    ? m >= quiet.fromMinute && m < quiet.toMinute
    : m >= quiet.fromMinute || m < quiet.toMinute;
}
