// The open alarms for every page that colours something by them (device rows, live values,
// the dashboard's counts). One copy for the whole app: GET /api/alarms/open (answered from
// the server's memory) when a component first asks, again when the live feed says alarms
// changed (an `alarms` frame on a topic the page follows), and every 15 s as a fallback
// while no page follows the `fleet` topic over a connected feed (that topic has a frame for
// every change; a device topic only for its device, so pages that show the fleet poll).
import { useEffect, useState } from 'preact/hooks';
import { get } from './api.js';
import type { Alarm } from './types.js';

export const SEVERITY_ORDER = ['critical', 'major', 'minor', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITY_ORDER)[number];

const REFRESH_MS = 15_000;
/** Frames in a burst (a fleet's worth of changes) become one request. */
const COALESCE_MS = 300;

type Listener = (alarms: readonly Alarm[]) => void;

class OpenAlarms {
  alarms: readonly Alarm[] = [];
  private readonly listeners = new Set<Listener>();
  private timer: number | null = null;
  private pending: number | null = null;
  /** The live feed is connected and follows `fleet` (live.ts): frames say every change. */
  private live = false;

  use(listener: Listener): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) {
      void this.fetch();
      this.timer = window.setInterval(() => {
        if (document.visibilityState === 'visible' && !this.live) void this.fetch();
      }, REFRESH_MS);
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer !== null) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
  }

  /** live.ts: whether `alarms` frames for the whole fleet arrive. Back after a gap: fetch once. */
  followLive(live: boolean): void {
    const back = live && !this.live;
    this.live = live;
    if (back) this.changed();
  }

  /** The server said alarms changed, or this page changed them. */
  changed(): void {
    if (this.listeners.size === 0 || this.pending !== null) return;
    this.pending = window.setTimeout(() => {
      this.pending = null;
      void this.fetch();
    }, COALESCE_MS);
  }

  private async fetch(): Promise<void> {
    try {
      this.alarms = (await get<{ items: Alarm[] }>('/api/alarms/open')).items;
      this.listeners.forEach((l) => l(this.alarms));
    } catch {
      // Kept as it was; the next refresh tries again.
    }
  }
}

export const openAlarms = new OpenAlarms();

/** The open alarms, kept current while the component is mounted. */
export function useOpenAlarms(): readonly Alarm[] {
  const [alarms, setAlarms] = useState(openAlarms.alarms);
  useEffect(() => openAlarms.use(setAlarms), []);
  return alarms;
}

/** The most urgent severity of the active (not cleared) alarms of a device, or of one of its points. */
export function worstSeverity(alarms: readonly Alarm[], deviceId: string, point?: string): Severity | null {
  let worst: number = SEVERITY_ORDER.length;
  for (const a of alarms) {
    if (a.clearedAt !== null || a.registrationId !== deviceId) continue;
    if (point !== undefined && a.point !== point) continue;
    worst = Math.min(worst, SEVERITY_ORDER.indexOf(a.severity));
  }
  return worst < SEVERITY_ORDER.length ? SEVERITY_ORDER[worst]! : null;
}

/**
 * The class for something an active alarm is about (a device row, a live value): `in-alarm
 * sev-<severity>` (styles.css), or '' when nothing is active. Any page may use it.
 */
export function alarmClass(alarms: readonly Alarm[], deviceId: string, point?: string): string {
  const severity = worstSeverity(alarms, deviceId, point);
  return severity ? `in-alarm sev-${severity}` : '';
}
