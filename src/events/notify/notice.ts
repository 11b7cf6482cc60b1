// What a notifier sends, before it is shaped for a channel: a title and lines of text made
// from event sentences (src/events/text), one event or a quiet-hours digest. Pure.
import type { NotifierDef } from '../../domain/notifiers.js';
import type { PointDescription } from '../../domain/point.js';
import type { Severity } from '../../domain/rules.js';
import type { DtuEvent } from '../event.js';
import { eventText, eventTypeWord, type EventTextOptions } from '../text/event-text.js';
import { SEVERITY_WORDS } from '../text/event-words.js';

/** The rule whose action sends an event: its name in the sentence, its severity in the title. */
export interface NoticeRule {
  readonly name: string;
  readonly severity: Severity;
}

/** What the sentences say of a device's point: its description and unit (null: not known). */
export type PointLookup = (
  deviceId: string,
  point: string,
) => { readonly description: PointDescription | null; readonly unit: string | null } | null;

export interface Notice {
  readonly title: string;
  /** The rule's severity; null for a digest or an event not sent by a rule. */
  readonly severity?: Severity | null;
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

/** The point's description in the notifier's language and its unit, for the event's device. */
export function pointWords(def: NotifierDef, deviceId: string | null, points: PointLookup): EventTextOptions {
  if (deviceId === null) return {};
  return {
    pointLabel: (point) => points(deviceId, point)?.description?.[def.language] || point,
    pointUnit: (point) => points(deviceId, point)?.unit ?? null,
  };
}

export function eventLine(
  def: NotifierDef,
  event: DtuEvent,
  rule: NoticeRule | null,
  points: PointLookup = () => null,
): string {
  const input = { ...event, rule: event.rule ?? rule?.name ?? null };
  const sentence = eventText(input, def.language, pointWords(def, event.deviceId, points));
  return `${localTime(event.at, def.quietHours?.timezone ?? null)} ${sentence}`;
}

/** Title `[Major] Rule fired · 86000001` (【重要】 in Chinese): the severity first, when a rule gives one. */
export function eventNotice(
  def: NotifierDef,
  event: DtuEvent,
  rule: NoticeRule | null,
  points: PointLookup = () => null,
): Notice {
  const word = eventTypeWord(event.type, def.language);
  const device = event.deviceId === null ? '' : ` · ${event.deviceId}`;
  const severity = rule?.severity ?? null;
  const level =
    severity === null
      ? ''
      : def.language === 'zh'
        ? `【${SEVERITY_WORDS.zh[severity]}】`
        : `[${SEVERITY_WORDS.en[severity]}] `;
  return { title: `${level}${word}${device}`, severity, lines: [eventLine(def, event, rule, points)], events: 1 };
}

/** The quiet-hours digest: every held line, and how many were dropped beyond the cap. */
export function digestNotice(def: NotifierDef, lines: readonly string[], dropped: number): Notice {
  const n = lines.length + dropped;
  const zh = def.language === 'zh';
  const title = zh ? `免打扰期间的 ${n} 条通知` : `${n} notification${n === 1 ? '' : 's'} held during quiet hours`;
  const more = dropped > 0 ? [zh ? `（另有 ${dropped} 条未保留）` : `(${dropped} more not kept)`] : [];
  return { title, lines: [...lines, ...more], events: n };
}
