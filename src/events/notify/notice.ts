// What a notifier sends, before it is shaped for a channel: a title and lines of text made
// from event sentences (src/events/text), one event or a quiet-hours digest. Pure.
import type { NotifierDef } from '../../domain/notifiers.js';
import type { DtuEvent } from '../event.js';
import { eventText, eventTypeWord } from '../text/event-text.js';

export interface Notice {
  readonly title: string;
  /** One line per event: time and sentence. */
  readonly lines: readonly string[];
  /** Events it carries (first one for a single event). */
  readonly events: number;
}

/** `2026-12-07 08:00:00` in the notifier's time zone (quietHours.timezone) or the server's. */
export function localTime(at: number, timezone: string | null): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone ?? undefined,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(at));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`;
}

export function eventLine(def: NotifierDef, event: DtuEvent, rule: string | null): string {
  const sentence = eventText({ ...event, rule: event.rule ?? rule }, def.language);
  return `${localTime(event.at, def.quietHours?.timezone ?? null)} ${sentence}`;
}

export function eventNotice(def: NotifierDef, event: DtuEvent, rule: string | null): Notice {
  const word = eventTypeWord(event.type, def.language);
  const device = event.deviceId === null ? '' : ` · ${event.deviceId}`;
  return { title: `${word}${device}`, lines: [eventLine(def, event, rule)], events: 1 };
}

/** The quiet-hours digest: every held line, and how many were dropped beyond the cap. */
export function digestNotice(def: NotifierDef, lines: readonly string[], dropped: number): Notice {
  const n = lines.length + dropped;
  const zh = def.language === 'zh';
  const title = zh ? `免打扰期间的 ${n} 条通知` : `${n} notification${n === 1 ? '' : 's'} held during quiet hours`;
  const more = dropped > 0 ? [zh ? `（另有 ${dropped} 条未保留）` : `(${dropped} more not kept)`] : [];
  return { title, lines: [...lines, ...more], events: n };
}
