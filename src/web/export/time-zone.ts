// The time zone an export writes its times in: UTC, or the viewer's IANA zone (the UI sends
// it, so a file shows the times the page showed). A zone's offset at an instant comes from
// Intl once per quarter hour of time (every real offset change falls on one), so a
// million-row export asks Intl a few thousand times, not a million.

export interface ExportZone {
  /** `UTC` or the IANA name, as the header states it. */
  readonly name: string;
  /** Minutes east of UTC at `ms`. */
  offsetMinutes(ms: number): number;
}

const QUARTER_HOUR = 15 * 60_000;
/** Quarter hours remembered: about a month of an export's time range. */
const MAX_CACHED = 3000;

export const UTC_ZONE: ExportZone = { name: 'UTC', offsetMinutes: () => 0 };

/** Null when the runtime does not know the zone. */
export function exportZone(name: string | undefined): ExportZone | null {
  if (name === undefined || name === 'UTC') return UTC_ZONE;
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
  } catch {
    return null;
  }
  const cache = new Map<number, number>();
  const offsetAt = (ms: number): number => {
    const parts: Record<string, number> = {};
    for (const p of format.formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
    const wall = Date.UTC(parts['year']!, parts['month']! - 1, parts['day']!, parts['hour']!, parts['minute']!);
    return Math.round((wall - (ms - (ms % 60_000))) / 60_000);
  };
  return {
    // As the viewer named it: ICU may canonicalise to an older alias (Asia/Kolkata → Asia/Calcutta).
    name,
    offsetMinutes(ms: number): number {
      const quarter = Math.floor(ms / QUARTER_HOUR);
      let offset = cache.get(quarter);
      if (offset === undefined) {
        if (cache.size >= MAX_CACHED) cache.clear();
        offset = offsetAt(quarter * QUARTER_HOUR);
        cache.set(quarter, offset);
      }
      return offset;
    },
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** ISO 8601 with milliseconds: `Z` in UTC, else the local wall time and its offset (`+08:00`). */
export function zonedIso(ms: number, zone: ExportZone): string {
  const offset = zone.offsetMinutes(ms);
  if (offset === 0 && zone === UTC_ZONE) return new Date(ms).toISOString();
  const local = new Date(ms + offset * 60_000).toISOString().slice(0, 23);
  const abs = Math.abs(offset);
  return `${local}${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The header of a time column: `time (UTC)`, `time (Asia/Shanghai)`. */
export function timeHeader(zone: ExportZone, label = 'time'): string {
  return `${label} (${zone.name})`;
}
