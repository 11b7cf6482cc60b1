// One human sentence per event, in English or 简体中文: what the events page, the alarm
// list and the notifiers (e-mail, chat robots) show instead of the raw JSON payload.
//
// Pure and free of Node imports: the browser UI imports this file as it is (ui/tsconfig.json
// includes it), so server and UI say the same thing. A payload that lacks what its template
// needs (an old row, a future field) falls back to a generic sentence with its fields as
// `key value` pairs, never a crash and never raw JSON.
import type { EventType } from '../../domain/rules.js';
import {
  conditionPhrase,
  durationWords,
  EVENT_TYPE_WORDS,
  MODBUS_EXCEPTIONS,
  OFFLINE_REASONS,
  POLL_REASONS,
  type TextLang,
} from './event-words.js';

export { durationWords, EVENT_TYPE_WORDS, type TextLang } from './event-words.js';

/** What a sentence is made from: the event envelope's fields (EventEnvelope, EventRow). */
export interface EventTextInput {
  readonly type: string;
  readonly deviceId?: string | null;
  /** EventRow (the API) names the device so. */
  readonly registrationId?: string | null;
  readonly rule?: string | null;
  readonly at?: number;
  readonly payload?: Readonly<Record<string, unknown>> | null;
}

export interface EventTextOptions {
  /** A point's words for the reader (its description, `温度`); the point's name by default. */
  readonly pointLabel?: (point: string) => string;
  /** A point's unit (`°C`), written after its value; none by default. */
  readonly pointUnit?: (point: string) => string | null;
}

type Fields = Readonly<Record<string, unknown>>;
/** A template: null when the payload lacks what it needs (then the generic sentence is used). */
type Template = (p: Fields, ctx: Context) => string | null;

interface Context {
  readonly device: string;
  readonly rule: string;
  /** The event's time, for payload times given as instants (slave.backoff's untilMs). */
  readonly at: number | null;
  readonly opts: EventTextOptions;
}

// ---- reading payload fields: a missing or mistyped one makes the template give up ----

function text(p: Fields, key: string): string | null {
  const v = p[key];
  return typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : null;
}

function number(p: Fields, key: string): number | null {
  const v = p[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** All present, or null. */
function all<T>(...values: (T | null)[]): T[] | null {
  return values.every((v) => v !== null) ? (values as T[]) : null;
}

function word(table: Record<string, string>, key: string | null): string | null {
  return key === null ? null : (table[key] ?? key);
}

function countOf(p: Fields, key: string): number | null {
  const v = p[key];
  return Array.isArray(v) ? v.length : null;
}

function firstIssue(p: Fields): string {
  const issues = p['issues'];
  if (!Array.isArray(issues) || issues.length === 0) return '';
  const first = issues[0] as Record<string, unknown> | null;
  const message = typeof first?.['message'] === 'string' ? first['message'] : '';
  const field = typeof first?.['field'] === 'string' ? `${first['field']}: ` : '';
  return message ? `${field}${message}` : '';
}

// ---- the templates ----

const EN: Record<EventType | 'webhook.test', Template> = {
  'device.registered': (p, c) => {
    const profile = text(p, 'profile');
    return `New DTU ${c.device} registered${profile ? ` (profile ${profile})` : ''}${from(p, 'en')}`;
  },
  'device.online': (p, c) => `DTU ${c.device}${named(p)} came online${from(p, 'en')}`,
  'device.offline': (p, c) => {
    const reason = word(OFFLINE_REASONS.en, text(p, 'reason'));
    return `DTU ${c.device} went offline${reason ? `: ${reason}` : ''}`;
  },
  'heartbeat.missed': (p, c) => {
    const v = all(number(p, 'misses'), number(p, 'maxMisses'));
    return v && `DTU ${c.device} missed a heartbeat (${v[0]} of ${v[1]} allowed)`;
  },
  'poll.failed': (p, c) => {
    const v = all(text(p, 'slave'), text(p, 'fn'), text(p, 'address'));
    const reason = word(POLL_REASONS.en, text(p, 'reason'));
    return (
      v &&
      `Reading slave ${v[0]} of DTU ${c.device} (function ${v[1]}, address ${v[2]}) failed${reason ? `: ${reason}` : ''}`
    );
  },
  'poll.exception': (p, c) => {
    const v = all(text(p, 'slave'), text(p, 'code'), text(p, 'address'));
    const meter = all(text(p, 'slave'), text(p, 'identifier'));
    if (meter) return `Meter ${meter[0]} of DTU ${c.device} refused to read ${meter[1]}: ${text(p, 'reasons') ?? '?'}`;
    const name = v && MODBUS_EXCEPTIONS.en[Number(v[1])];
    return (
      v && `Slave ${v[0]} of DTU ${c.device} answered exception ${v[1]}${name ? ` (${name})` : ''} at address ${v[2]}`
    );
  },
  'slave.backoff': (p, c) => {
    const v = all(text(p, 'slave'), text(p, 'failures'));
    return v && `Slave ${v[0]} of DTU ${c.device} failed ${v[1]} times and is polled less often${retry(p, c, 'en')}`;
  },
  'slave.recovered': (p, c) => text(p, 'slave') && `Slave ${text(p, 'slave')} of DTU ${c.device} answers again`,
  'channel.connected': (p) => channel(p, 'en') && `Channel ${channel(p, 'en')} connected`,
  'channel.disconnected': (p) => channel(p, 'en') && `Channel ${channel(p, 'en')} disconnected${error(p)}`,
  'channel.failed': (p) => channel(p, 'en') && `Channel ${channel(p, 'en')} could not connect${error(p)}`,
  'channel.backoff': (p) => {
    const wait = number(p, 'retryInMs');
    return (
      channel(p, 'en') &&
      `Channel ${channel(p, 'en')} retries${wait !== null ? ` in ${durationWords(wait, 'en')}` : ' later'}`
    );
  },
  'channel.stopped': (p) => channel(p, 'en') && `Channel ${channel(p, 'en')} stopped`,
  'data.received': (p, c) => `DTU ${c.device} sent ${countOf(p, 'points') ?? 'some'} values`,
  'store.degraded': (p) => `The history store${driver(p)} failed a write and is retrying${error(p, 'lastError')}`,
  'store.spilling': (p) => `The database is unreachable; data is kept on local disk${rows(p, 'en')}`,
  'store.recovered': (p) => `The history store${driver(p)} is back to normal`,
  'store.dropped': (p) => {
    const n = number(p, 'rowsDropped');
    return `History rows were lost${n !== null ? ` (${n} since start)` : ''}`;
  },
  'config.reloaded': (p) => {
    const n = countOf(p, 'changes');
    const who = text(p, 'actor');
    return `Configuration reloaded${who ? ` by ${who}` : ''}${n !== null ? `: ${n} change${n === 1 ? '' : 's'}` : ''}`;
  },
  'config.rejected': (p) => {
    const n = countOf(p, 'issues');
    const first = firstIssue(p);
    return `Configuration reload rejected${n !== null ? ` (${n} problem${n === 1 ? '' : 's'})` : ''}${first ? `: ${first}` : ''}; the previous configuration stays`;
  },
  'rule.fired': (p, c) => {
    const v = all(text(p, 'point'), text(p, 'value'), text(p, 'condition'));
    return (
      v &&
      `${label(v[0]!, c)} ${conditionPhrase(withUnit(v[0]!, v[1]!, c), v[2]!, 'en')} on DTU ${c.device}${ruleOf(c, 'en')}`
    );
  },
  'rule.recovered': (p, c) => {
    const v = all(text(p, 'point'), text(p, 'value'));
    return (
      v && `${label(v[0]!, c)} is back to normal (${withUnit(v[0]!, v[1]!, c)}) on DTU ${c.device}${ruleOf(c, 'en')}`
    );
  },
  'webhook.test': () => 'Test message from dtuhub',
};

const ZH: Record<EventType | 'webhook.test', Template> = {
  'device.registered': (p, c) => {
    const profile = text(p, 'profile');
    return `DTU ${c.device} 首次注册${profile ? `，型号 ${profile}` : ''}${from(p, 'zh')}`;
  },
  'device.online': (p, c) => `DTU ${c.device}${named(p)} 上线${from(p, 'zh')}`,
  'device.offline': (p, c) => {
    const reason = word(OFFLINE_REASONS.zh, text(p, 'reason'));
    return `DTU ${c.device} 离线${reason ? `：${reason}` : ''}`;
  },
  'heartbeat.missed': (p, c) => {
    const v = all(number(p, 'misses'), number(p, 'maxMisses'));
    return v && `DTU ${c.device} 心跳丢失（第 ${v[0]} 次，最多 ${v[1]} 次）`;
  },
  'poll.failed': (p, c) => {
    const v = all(text(p, 'slave'), text(p, 'fn'), text(p, 'address'));
    const reason = word(POLL_REASONS.zh, text(p, 'reason'));
    return v && `DTU ${c.device} 从站 ${v[0]} 读取失败（功能码 ${v[1]}，地址 ${v[2]}）${reason ? `：${reason}` : ''}`;
  },
  'poll.exception': (p, c) => {
    const v = all(text(p, 'slave'), text(p, 'code'), text(p, 'address'));
    const meter = all(text(p, 'slave'), text(p, 'identifier'));
    if (meter) return `DTU ${c.device} 电表 ${meter[0]} 拒绝读取 ${meter[1]}：${text(p, 'reasons') ?? '?'}`;
    const name = v && MODBUS_EXCEPTIONS.zh[Number(v[1])];
    return v && `DTU ${c.device} 从站 ${v[0]} 返回异常码 ${v[1]}${name ? `（${name}）` : ''}，地址 ${v[2]}`;
  },
  'slave.backoff': (p, c) => {
    const v = all(text(p, 'slave'), text(p, 'failures'));
    return v && `DTU ${c.device} 从站 ${v[0]} 连续失败 ${v[1]} 次，降低轮询频率${retry(p, c, 'zh')}`;
  },
  'slave.recovered': (p, c) => text(p, 'slave') && `DTU ${c.device} 从站 ${text(p, 'slave')} 恢复应答`,
  'channel.connected': (p) => channel(p, 'zh') && `通道 ${channel(p, 'zh')} 已连接`,
  'channel.disconnected': (p) => channel(p, 'zh') && `通道 ${channel(p, 'zh')} 断开${error(p, 'error', 'zh')}`,
  'channel.failed': (p) => channel(p, 'zh') && `通道 ${channel(p, 'zh')} 连接失败${error(p, 'error', 'zh')}`,
  'channel.backoff': (p) => {
    const wait = number(p, 'retryInMs');
    return (
      channel(p, 'zh') && `通道 ${channel(p, 'zh')} ${wait !== null ? `${durationWords(wait, 'zh')}后` : '稍后'}重连`
    );
  },
  'channel.stopped': (p) => channel(p, 'zh') && `通道 ${channel(p, 'zh')} 已停止`,
  'data.received': (p, c) => `DTU ${c.device} 上报 ${countOf(p, 'points') ?? '若干'} 个数据`,
  'store.degraded': (p) => `历史数据库${driver(p)}写入失败，正在重试${error(p, 'lastError', 'zh')}`,
  'store.spilling': (p) => `数据库不可达，数据暂存在本地磁盘${rows(p, 'zh')}`,
  'store.recovered': (p) => `历史数据库${driver(p)}已恢复正常`,
  'store.dropped': (p) => {
    const n = number(p, 'rowsDropped');
    return `历史数据丢失${n !== null ? `（自启动以来共 ${n} 行）` : ''}`;
  },
  'config.reloaded': (p) => {
    const n = countOf(p, 'changes');
    const who = text(p, 'actor');
    return `配置已重新加载${who ? `（${who}）` : ''}${n !== null ? `：${n} 处改动` : ''}`;
  },
  'config.rejected': (p) => {
    const n = countOf(p, 'issues');
    const first = firstIssue(p);
    return `配置重新加载被拒绝${n !== null ? `（${n} 个问题）` : ''}${first ? `：${first}` : ''}，继续使用原配置`;
  },
  'rule.fired': (p, c) => {
    const v = all(text(p, 'point'), text(p, 'value'), text(p, 'condition'));
    return (
      v &&
      `DTU ${c.device} ${label(v[0]!, c)} ${conditionPhrase(withUnit(v[0]!, v[1]!, c), v[2]!, 'zh')}${ruleOf(c, 'zh')}`
    );
  },
  'rule.recovered': (p, c) => {
    const v = all(text(p, 'point'), text(p, 'value'));
    return v && `DTU ${c.device} ${label(v[0]!, c)} 恢复正常（${withUnit(v[0]!, v[1]!, c)}）${ruleOf(c, 'zh')}`;
  },
  'webhook.test': () => '来自 dtuhub 的测试消息',
};

export const EVENT_TEMPLATES: Record<TextLang, Record<EventType | 'webhook.test', Template>> = { en: EN, zh: ZH };

function from(p: Fields, lang: TextLang): string {
  const ip = text(p, 'ip');
  const listener = text(p, 'listener');
  if (ip === null) return listener ? (lang === 'zh' ? `（${listener}）` : ` via ${listener}`) : '';
  const port = text(p, 'port');
  const where = port ? `${ip}:${port}` : ip;
  return lang === 'zh' ? `（来自 ${where}）` : ` from ${where}`;
}

function named(p: Fields): string {
  const name = text(p, 'name');
  return name ? ` (${name})` : '';
}

function channel(p: Fields, lang: TextLang): string | null {
  const name = text(p, 'channel');
  const type = text(p, 'channelType');
  if (name === null) return null;
  return type ? (lang === 'zh' ? `${name}（${type}）` : `${name} (${type})`) : name;
}

function error(p: Fields, key = 'error', lang: TextLang = 'en'): string {
  const e = text(p, key);
  return e ? (lang === 'zh' ? `：${e}` : `: ${e}`) : '';
}

function driver(p: Fields): string {
  const d = text(p, 'driver');
  return d ? ` (${d})` : '';
}

function rows(p: Fields, lang: TextLang): string {
  const n = number(p, 'rowsOnDisk');
  if (n === null) return '';
  return lang === 'zh' ? `（磁盘上 ${n} 行）` : ` (${n} rows on disk)`;
}

/** slave.backoff: how long until the slave is tried again (untilMs is an instant). */
function retry(p: Fields, c: Context, lang: TextLang): string {
  const until = number(p, 'untilMs');
  if (until === null || c.at === null) return '';
  const wait = durationWords(until - c.at, lang);
  return lang === 'zh' ? `，${wait}后重试` : ` for ${wait}`;
}

function label(point: string, c: Context): string {
  return c.opts.pointLabel?.(point) ?? point;
}

/** `55.5 °C`: the value with its point's unit, when one is known. */
function withUnit(point: string, value: string, c: Context): string {
  const unit = c.opts.pointUnit?.(point);
  return unit ? `${value} ${unit}` : value;
}

function ruleOf(c: Context, lang: TextLang): string {
  if (!c.rule) return '';
  return lang === 'zh' ? `（规则 ${c.rule}）` : ` (rule ${c.rule})`;
}

/** `key value` pairs of a payload, nested values summarised: the generic sentence's detail. */
function pairs(p: Fields): string {
  return Object.entries(p)
    .slice(0, 8)
    .map(([k, v]) => {
      if (v === null || v === undefined) return `${k} —`;
      if (Array.isArray(v)) return `${k} [${v.length}]`;
      if (typeof v === 'object') return `${k} {…}`;
      return `${k} ${String(v)}`;
    })
    .join(', ');
}

/** The event type as a short phrase; an unknown type stays as it is. */
export function eventTypeWord(type: string, lang: TextLang): string {
  return (EVENT_TYPE_WORDS[lang] as Record<string, string>)[type] ?? type;
}

/** One sentence for an event, in the language asked for. */
export function eventText(event: EventTextInput, lang: TextLang, opts: EventTextOptions = {}): string {
  const payload: Fields = event.payload && typeof event.payload === 'object' ? event.payload : {};
  const id = event.deviceId ?? event.registrationId ?? null;
  const ctx: Context = { device: id ?? '?', rule: event.rule ?? '', at: event.at ?? null, opts };
  const template = (EVENT_TEMPLATES[lang] as Record<string, Template>)[event.type];
  let sentence: string | null = null;
  if (template) {
    try {
      sentence = template(payload, ctx);
    } catch {
      sentence = null;
    }
  }
  return sentence || genericText(event, lang);
}

/** The sentence for an event no template can tell: the type's words (or the type), the device, the fields. */
export function genericText(event: EventTextInput, lang: TextLang): string {
  const payload: Fields = event.payload && typeof event.payload === 'object' ? event.payload : {};
  const id = event.deviceId ?? event.registrationId ?? null;
  const head = eventTypeWord(event.type, lang);
  const device = id === null ? '' : lang === 'zh' ? ` DTU ${id}` : ` on DTU ${id}`;
  const detail = pairs(payload);
  return `${head}${device}${detail ? (lang === 'zh' ? `：${detail}` : `: ${detail}`) : ''}`;
}
