// The words event sentences are made of, in English and 简体中文: event types, offline and
// poll-failure reasons, Modbus exception names, conditions. Pure, no Node imports (the UI
// imports it through event-text.ts).
import type { EventType, Severity } from '../../domain/rules.js';

export type TextLang = 'en' | 'zh';

/** The event type as a short phrase (tables, filters, mail subjects). */
export const EVENT_TYPE_WORDS: Record<TextLang, Record<EventType | 'webhook.test', string>> = {
  en: {
    'device.registered': 'New device',
    'device.online': 'Device online',
    'device.offline': 'Device offline',
    'heartbeat.missed': 'Heartbeat missed',
    'poll.failed': 'Poll failed',
    'poll.exception': 'Modbus exception',
    'slave.backoff': 'Slave backed off',
    'slave.recovered': 'Slave recovered',
    'channel.connected': 'Channel connected',
    'channel.disconnected': 'Channel disconnected',
    'channel.failed': 'Channel connect failed',
    'channel.backoff': 'Channel waiting to retry',
    'channel.stopped': 'Channel stopped',
    'data.received': 'Data received',
    'store.degraded': 'Store degraded',
    'store.spilling': 'Store spilling to disk',
    'store.recovered': 'Store recovered',
    'store.dropped': 'History rows lost',
    'config.reloaded': 'Configuration reloaded',
    'config.rejected': 'Configuration rejected',
    'rule.fired': 'Rule fired',
    'rule.recovered': 'Rule recovered',
    'webhook.test': 'Test message',
  },
  zh: {
    'device.registered': '新设备',
    'device.online': '设备上线',
    'device.offline': '设备离线',
    'heartbeat.missed': '心跳丢失',
    'poll.failed': '轮询失败',
    'poll.exception': 'Modbus 异常',
    'slave.backoff': '从站退避',
    'slave.recovered': '从站恢复',
    'channel.connected': '通道已连接',
    'channel.disconnected': '通道断开',
    'channel.failed': '通道连接失败',
    'channel.backoff': '通道等待重连',
    'channel.stopped': '通道已停止',
    'data.received': '收到数据',
    'store.degraded': '存储异常',
    'store.spilling': '存储写入本地暂存',
    'store.recovered': '存储已恢复',
    'store.dropped': '历史数据丢失',
    'config.reloaded': '配置已重新加载',
    'config.rejected': '配置被拒绝',
    'rule.fired': '规则触发',
    'rule.recovered': '规则恢复',
    'webhook.test': '测试消息',
  },
};

export const OFFLINE_REASONS: Record<TextLang, Record<string, string>> = {
  en: {
    closed: 'connection closed',
    heartbeat_timeout: 'heartbeats missed',
    replaced: 'replaced by a new connection',
    rejected: 'rejected',
    shutdown: 'dtuhub stopping',
    error: 'connection error',
    overflow: 'too much unreadable input',
  },
  zh: {
    closed: '连接已关闭',
    heartbeat_timeout: '心跳超时',
    replaced: '被新连接替换',
    rejected: '被拒绝',
    shutdown: 'dtuhub 停止',
    error: '连接错误',
    overflow: '无法解析的数据过多',
  },
};

export const POLL_REASONS: Record<TextLang, Record<string, string>> = {
  en: { timeout: 'no answer in time', 'bad-response': 'bad response', closed: 'connection closed' },
  zh: { timeout: '应答超时', 'bad-response': '应答错误', closed: '连接已关闭' },
};

export const MODBUS_EXCEPTIONS: Record<TextLang, Record<number, string>> = {
  en: {
    1: 'illegal function',
    2: 'illegal data address',
    3: 'illegal data value',
    4: 'slave device failure',
    6: 'slave busy',
  },
  zh: { 1: '非法功能', 2: '非法数据地址', 3: '非法数据值', 4: '从站设备故障', 6: '从站忙' },
};

/** 90000 → `1 min 30 s` / `1 分 30 秒`. */
export function durationWords(ms: number, lang: TextLang): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const [h, m, sec] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const units = lang === 'zh' ? ['小时', '分', '秒'] : [' h', ' min', ' s'];
  const parts = [h, m, sec].map((n, i) => (n > 0 ? `${n}${units[i]}` : '')).filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : `0${units[2]}`;
}

// ---- conditions (point-condition.ts describeCondition's text) as words ----

/** Rule severities as the alarm page says them (ui messages `alarms.severity`). */
export const SEVERITY_WORDS: Record<TextLang, Record<Severity, string>> = {
  en: { critical: 'Critical', major: 'Major', minor: 'Minor', warning: 'Warning', info: 'Info' },
  zh: { critical: '紧急', major: '重要', minor: '次要', warning: '警告', info: '提示' },
};

const COMPARE_WORDS: Record<TextLang, Record<string, string>> = {
  en: {
    '>': 'above the limit',
    '>=': 'at or above the limit',
    '<': 'below the limit',
    '<=': 'at or below the limit',
    '==': 'equal to',
    '!=': 'not equal to',
  },
  zh: { '>': '超过上限', '>=': '达到上限', '<': '低于下限', '<=': '达到下限', '==': '等于', '!=': '不等于' },
};

/** `55.5 is above the limit 30` / `55.5 超过上限 30`; unknown condition text is kept as it is. */
export function conditionPhrase(value: string, condition: string, lang: TextLang): string {
  const compare = /^(>=|<=|==|!=|>|<) (.+)$/.exec(condition);
  if (compare) {
    const op = COMPARE_WORDS[lang][compare[1]!]!;
    return lang === 'zh' ? `${value} ${op} ${compare[2]}` : `${value} is ${op} ${compare[2]}`;
  }
  const range = /^(between|outside) (\S+) and (\S+)$/.exec(condition);
  if (range) {
    const inside = range[1] === 'between';
    if (lang === 'zh')
      return `${value} ${inside ? '在' : '超出'} ${range[2]}～${range[3]} ${inside ? '范围内' : '范围'}`;
    return `${value} is ${inside ? 'between' : 'outside'} ${range[2]} and ${range[3]}`;
  }
  const bit = /^bit (\d+) (set|cleared)$/.exec(condition);
  if (bit) {
    const set = bit[2] === 'set';
    return lang === 'zh'
      ? `${value}：第 ${bit[1]} 位${set ? '置位' : '清零'}`
      : `${value}: bit ${bit[1]} ${set ? 'set' : 'cleared'}`;
  }
  const change = /^changeBy (.+)$/.exec(condition);
  if (change) return lang === 'zh' ? `${value}，变化超过 ${change[1]}` : `${value}, changed by more than ${change[1]}`;
  const noData = /^noDataFor (.+)$/.exec(condition);
  if (noData) return lang === 'zh' ? `${noData[1]} 内没有数据` : `no data for ${noData[1]}`;
  return `${value} (${condition})`;
}
