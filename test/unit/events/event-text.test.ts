import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, type EventType } from '../../../src/domain/rules.js';
import {
  EVENT_TEMPLATES,
  EVENT_TYPE_WORDS,
  eventText,
  eventTypeWord,
  genericText,
} from '../../../src/events/text/event-text.js';

const AT = Date.UTC(2026, 11, 7, 8, 0, 0);

/** A payload of each type as the framework raises it (docs/EVENTS.md, "Catalogue"). */
const SAMPLES: Record<EventType, Record<string, unknown>> = {
  'device.registered': { profile: 'th-station', name: 'Pump 1', ip: '10.0.0.5', port: 40001, listener: 'main' },
  'device.online': { profile: 'th-station', name: 'Pump 1', ip: '10.0.0.5', port: 40001, listener: 'main' },
  'device.offline': { reason: 'heartbeat_timeout', details: null, ip: '10.0.0.5', port: 40001, listener: 'main' },
  'heartbeat.missed': { misses: 2, maxMisses: 3 },
  'poll.failed': { slave: 1, fn: 3, address: 0, quantity: 10, reason: 'timeout' },
  'poll.exception': { slave: 1, fn: 3, address: 100, code: 2 },
  'slave.backoff': { slave: 4, failures: 5, untilMs: AT + 90_000 },
  'slave.recovered': { slave: 4 },
  'channel.connected': { channel: 'plc-a', channelType: 'modbus-tcp' },
  'channel.disconnected': { channel: 'plc-a', channelType: 'modbus-tcp', error: 'ECONNRESET' },
  'channel.failed': { channel: 'plc-a', channelType: 'modbus-tcp', error: 'ECONNREFUSED' },
  'channel.backoff': { channel: 'plc-a', channelType: 'modbus-tcp', error: 'ECONNREFUSED', retryInMs: 4000 },
  'channel.stopped': { channel: 'plc-a', channelType: 'modbus-tcp' },
  'data.received': { points: ['temperature', 'humidity'], polledAt: AT },
  'store.degraded': { driver: 'mysql', state: 'degraded', lastError: 'ETIMEDOUT', rowsOnDisk: 0 },
  'store.spilling': { driver: 'mysql', state: 'spilling', lastError: 'ECONNREFUSED', rowsOnDisk: 1200 },
  'store.recovered': { driver: 'mysql', state: 'ok', lastError: null, rowsOnDisk: 0 },
  'store.dropped': { driver: 'mysql', state: 'spilling', lastError: 'ENOSPC', rowsOnDisk: 0, rowsDropped: 77 },
  'config.reloaded': {
    trigger: 'api',
    actor: 'admin',
    changes: [{ scope: 'rule', name: 'x', action: 'added' }],
    needsRestart: [],
  },
  'config.rejected': {
    trigger: 'file',
    actor: null,
    issues: [{ file: 'rules.yml', line: 3, field: 'rules.0.when', message: 'needs one of >' }],
  },
  'rule.fired': { point: 'temperature', value: 55.5, condition: '> 30' },
  'rule.recovered': { point: 'temperature', value: 29, condition: '> 30', firedValue: 55.5 },
};

function event(type: string, payload: Record<string, unknown> | null, deviceId: string | null = '86000001') {
  return { type, deviceId, rule: type.startsWith('rule.') ? 'high-temperature' : null, at: AT, payload };
}

describe('event text', () => {
  it('has an English and a Chinese template and type word for every event type', () => {
    for (const type of EVENT_TYPES) {
      expect(EVENT_TEMPLATES.en[type], type).toBeTypeOf('function');
      expect(EVENT_TEMPLATES.zh[type], type).toBeTypeOf('function');
      expect(EVENT_TYPE_WORDS.en[type], type).toBeTruthy();
      expect(EVENT_TYPE_WORDS.zh[type], type).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('renders every type with its sample payload as one sentence, not JSON, and not the generic fallback', () => {
    for (const type of EVENT_TYPES) {
      for (const lang of ['en', 'zh'] as const) {
        const sentence = eventText(event(type, SAMPLES[type]), lang);
        expect(sentence, `${type} ${lang}`).not.toMatch(/[{}"]/);
        expect(sentence, `${type} ${lang}`).not.toContain('\n');
        expect(sentence, `${type} ${lang}`).not.toBe(genericText(event(type, SAMPLES[type]), lang));
        if (lang === 'zh') expect(sentence, type).toMatch(/[\u4e00-\u9fff]/);
      }
    }
  });

  it('says what a DTU going offline and a limit crossing mean in both languages', () => {
    expect(eventText(event('device.offline', SAMPLES['device.offline']), 'en')).toBe(
      'DTU 86000001 went offline: heartbeats missed',
    );
    expect(eventText(event('device.offline', SAMPLES['device.offline']), 'zh')).toBe('DTU 86000001 离线：心跳超时');
    expect(eventText(event('rule.fired', SAMPLES['rule.fired']), 'en')).toBe(
      'temperature 55.5 is above the limit 30 on DTU 86000001 (rule high-temperature)',
    );
    expect(eventText(event('rule.fired', SAMPLES['rule.fired']), 'zh', { pointLabel: () => '温度' })).toBe(
      'DTU 86000001 温度 55.5 超过上限 30（规则 high-temperature）',
    );
    expect(eventText(event('rule.fired', { point: 'status', value: 1, condition: 'bit 0 set' }), 'zh')).toBe(
      'DTU 86000001 status 1：第 0 位置位（规则 high-temperature）',
    );
    expect(eventText(event('slave.backoff', SAMPLES['slave.backoff']), 'en')).toBe(
      'Slave 4 of DTU 86000001 failed 5 times and is polled less often for 1 min 30 s',
    );
  });

  it('takes the device from an API row (registrationId) as well', () => {
    expect(eventText({ type: 'device.online', registrationId: '7001', payload: {} }, 'en')).toBe(
      'DTU 7001 came online',
    );
  });

  it('degrades to a generic sentence for an unknown type or a payload missing its fields', () => {
    expect(eventText(event('poll.failed', { slave: 'x' }), 'en')).toBe('Poll failed on DTU 86000001: slave x');
    expect(eventText(event('poll.failed', null), 'zh')).toBe('轮询失败 DTU 86000001');
    expect(eventText(event('future.thing', { a: 1, nested: { b: 2 }, list: [1, 2] }, null), 'en')).toBe(
      'future.thing: a 1, nested {…}, list [2]',
    );
    expect(eventTypeWord('future.thing', 'zh')).toBe('future.thing');
    expect(eventTypeWord('device.offline', 'zh')).toBe('设备离线');
  });
});
