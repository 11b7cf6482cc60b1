// A notifier as one line of text for check-config, the API and the UI: where it sends,
// never its secrets (a robot URL's access_token or key, the SMTP password).
import type { NotifierDef } from '../../domain/notifiers.js';

/** `smtp.example.com:465 (TLS) → ops@example.com`, `oapi.dingtalk.com/robot/send (signed)`. */
export function notifierTarget(def: NotifierDef): string {
  if (def.type === 'email') {
    const tls = def.secure ? 'TLS' : def.requireTls ? 'STARTTLS required' : 'STARTTLS if offered';
    return `${def.host}:${def.port} (${tls}) → ${def.to.join(', ')}`;
  }
  // The query holds the access_token (DingTalk) or key (WeCom); Feishu's path holds its hook id.
  const where = URL.canParse(def.url)
    ? def.type === 'feishu'
      ? `${new URL(def.url).host}/…`
      : `${new URL(def.url).host}${new URL(def.url).pathname}`
    : '(invalid URL)';
  return `${where}, ${def.format}${def.secret !== null ? ', signed' : ''}`;
}

export function notifierLine(def: NotifierDef): string {
  const quiet = def.quietHours ? `, quiet ${clock(def.quietHours.fromMinute)}–${clock(def.quietHours.toMinute)}` : '';
  const min = def.minSeverity === 'info' ? '' : `, ${def.minSeverity} and above`;
  return `notifier ${def.name}: ${def.type} ${notifierTarget(def)}, ${def.language}${min}${quiet}${def.enabled ? '' : ' (disabled)'}`;
}

function clock(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}
