// rules.yml `notifiers:` (checked and defaulted by schema/notifiers.schema.ts) → NotifierDef,
// with the checks a schema cannot express: the keys each type needs, the keys that do not
// apply to it, a valid time zone. Problems go to the sink with their position.
import { EVENT_TYPES, SEVERITIES, type Severity } from '../domain/rules.js';
import { NOTIFIER_TYPES, type NotifierDef, type NotifierType, type QuietHours } from '../domain/notifiers.js';
import { positiveMs } from './durations.js';
import type { YamlPath } from './errors.js';
import { asList, asMap, has, str, type RawMap } from './raw.js';
import type { DurationText } from './schema/common.js';
import type { IssueSink } from './yaml-source.js';

const EMAIL_KEYS = ['host', 'port', 'secure', 'requireTls', 'user', 'password', 'from', 'to'];
const ROBOT_KEYS = ['url', 'secret', 'format'];
const FORMATS: Record<Exclude<NotifierType, 'email'>, readonly string[]> = {
  dingtalk: ['markdown', 'text'],
  wecom: ['markdown', 'text'],
  feishu: ['text', 'post'],
};

export function compileNotifiers(raw: RawMap, sink: IssueSink): Map<string, NotifierDef> {
  const out = new Map<string, NotifierDef>();
  for (const [name, value] of Object.entries(raw)) {
    const def = compileNotifier(name, asMap(value), ['notifiers', name], sink);
    if (def) out.set(name, def);
  }
  return out;
}

function compileNotifier(name: string, m: RawMap, at: YamlPath, sink: IssueSink): NotifierDef | null {
  const type = str(m, 'type') as NotifierType | undefined;
  if (type === undefined || !NOTIFIER_TYPES.includes(type)) return null;
  const isEmail = type === 'email';
  // Keys of the other kind are mistakes worth naming (a `url` on an email notifier…).
  for (const key of isEmail ? ROBOT_KEYS : EMAIL_KEYS) {
    if (sink.writtenValue([...at, key]))
      sink.add([...at, key], `does not apply to ${isEmail ? 'an' : 'a'} ${type} notifier`);
  }
  const retry = asMap(m['retry']);
  const backoffInitialMs = positiveMs(
    retry['initialDelay'] as DurationText,
    '2s',
    [...at, 'retry', 'initialDelay'],
    sink,
  );
  const backoffMaxMs = positiveMs(retry['maxDelay'] as DurationText, '5m', [...at, 'retry', 'maxDelay'], sink);
  if (backoffMaxMs < backoffInitialMs) sink.add([...at, 'retry', 'maxDelay'], 'must not be shorter than initialDelay');
  const base = {
    name,
    language: m['language'] as 'zh' | 'en',
    enabled: m['enabled'] as boolean,
    minSeverity: m['minSeverity'] as Severity,
    quietHours: has(m, 'quietHours') ? compileQuietHours(asMap(m['quietHours']), [...at, 'quietHours'], sink) : null,
    timeoutMs: positiveMs(m['timeout'] as DurationText, '10s', [...at, 'timeout'], sink),
    maxAttempts: retry['maxAttempts'] as number,
    backoffInitialMs,
    backoffMaxMs,
  };
  if (isEmail) {
    const host = str(m, 'host');
    const from = str(m, 'from');
    const to = asList(m['to']).map(String);
    if (host === undefined) sink.add([...at, 'host'], 'is required for an email notifier');
    if (from === undefined) sink.add([...at, 'from'], 'is required for an email notifier');
    if (to.length === 0) sink.add([...at, 'to'], 'is required for an email notifier (a list of addresses)');
    if (has(m, 'user') !== has(m, 'password'))
      sink.add([...at, has(m, 'user') ? 'password' : 'user'], 'give user and password together');
    if (host === undefined || from === undefined || to.length === 0) return null;
    const secure = m['secure'] as boolean;
    return {
      ...base,
      type,
      host,
      port: typeof m['port'] === 'number' ? m['port'] : secure ? 465 : 587,
      secure,
      requireTls: m['requireTls'] as boolean,
      user: has(m, 'user') ? String(m['user']) : null,
      password: has(m, 'password') ? String(m['password']) : null,
      from,
      to,
    };
  }
  const url = str(m, 'url');
  if (url === undefined) {
    sink.add([...at, 'url'], `is required for a ${type} notifier (the robot's webhook URL)`);
    return null;
  }
  try {
    new URL(url);
  } catch {
    sink.add([...at, 'url'], 'is not a valid URL');
    return null;
  }
  if (type === 'wecom' && has(m, 'secret'))
    sink.add([...at, 'secret'], 'WeCom group robots have no signature (the key in the URL is the secret)');
  const format = str(m, 'format') ?? (type === 'feishu' ? 'post' : 'markdown');
  if (!FORMATS[type].includes(format))
    sink.add([...at, 'format'], `a ${type} notifier sends ${FORMATS[type].join(' or ')}`);
  return {
    ...base,
    type,
    url,
    secret: has(m, 'secret') && type !== 'wecom' ? String(m['secret']) : null,
    format: (FORMATS[type].includes(format) ? format : FORMATS[type][0]) as 'markdown' | 'text' | 'post',
  };
}

function compileQuietHours(m: RawMap, at: YamlPath, sink: IssueSink): QuietHours | null {
  const from = str(m, 'from');
  const to = str(m, 'to');
  if (from === undefined || to === undefined) return null;
  const minute = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  if (from === to) sink.add([...at, 'to'], 'must differ from from (quiet hours of no length)');
  const timezone = str(m, 'timezone') ?? null;
  if (timezone !== null) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: timezone });
    } catch {
      sink.add([...at, 'timezone'], `unknown time zone "${timezone}" (an IANA name such as Asia/Shanghai)`);
      return null;
    }
  }
  // One list for both kinds: a severity (critical) or an event type (device.offline).
  const except: string[] = [];
  const exceptSeverities: Severity[] = [];
  asList(m['except']).forEach((value, i) => {
    const item = String(value);
    if ((SEVERITIES as readonly string[]).includes(item)) exceptSeverities.push(item as Severity);
    else if ((EVENT_TYPES as readonly string[]).includes(item)) except.push(item);
    else sink.add([...at, 'except', i], `"${item}" is neither an event type nor a severity (${SEVERITIES.join(', ')})`);
  });
  return { fromMinute: minute(from), toMinute: minute(to), timezone, except, exceptSeverities };
}
