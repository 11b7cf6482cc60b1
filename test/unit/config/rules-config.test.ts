// rules.yml: optional, compiled with defaults, and every mistake reported with its place.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/load.js';
import { MINIMAL_POINTS, MINIMAL_SERVER, withConfigDir } from './temp-config.js';

function load(rules: string | undefined, env: NodeJS.ProcessEnv = {}) {
  return withConfigDir(
    { server: MINIMAL_SERVER, points: MINIMAL_POINTS, ...(rules === undefined ? {} : { rules }) },
    (dir) => loadConfig(dir, env),
  );
}

function issues(rules: string): string[] {
  try {
    load(rules);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.issues.map((i) => `${i.line}:${i.column} ${i.field}: ${i.message}`);
  }
  throw new Error('expected a ConfigError');
}

describe('rules.yml', () => {
  it('is optional: without it there are no rules', () => {
    const config = load(undefined);
    expect(config.rules).toMatchObject({ file: null, rules: [] });
  });

  it('compiles endpoints, brokers and rules with their defaults, secrets from the environment', () => {
    const config = load(
      `version: 1
webhooks:
  ops:
    url: http://127.0.0.1:9000/hook
    secrets: ["\${NEW_SECRET}", old-secret-0123456789]
mqtt:
  local: { url: "mqtt://127.0.0.1:1883" }
rules:
  - name: up-down
    on: [device.online, device.offline]
    debounce: 30s
    devices: { pattern: "^TH-", profiles: [station] }
    actions: [{ webhook: ops }, { log: warn }]
  - name: hot
    point: temperature
    when: { ">": 30 }
    hysteresis: 0.5
    for: 1m
    cooldown: 5m
    actions: [{ mqtt: local, topic: "alarms/{{deviceId}}" }]
  - name: off
    enabled: false
    on: device.online
    actions: [{ log: info }]
`,
      { NEW_SECRET: 'new-secret-0123456789' },
    );
    const rules = config.rules!;
    expect(rules.webhooks.get('ops')).toEqual({
      name: 'ops',
      url: 'http://127.0.0.1:9000/hook',
      method: 'POST',
      headers: {},
      secrets: ['new-secret-0123456789', 'old-secret-0123456789'],
      timeoutMs: 10_000,
      concurrency: 4,
      maxAttempts: 8,
      backoffInitialMs: 1000,
      backoffMaxMs: 600_000,
      enabled: true,
    });
    expect(rules.rules.map((r) => r.name)).toEqual(['up-down', 'hot']);
    expect(rules.rules[0]).toMatchObject({
      source: { kind: 'events', types: ['device.online', 'device.offline'] },
      debounceMs: 30_000,
      devices: { ids: null, profiles: ['station'] },
    });
    expect(rules.rules[0]!.devices.pattern!.test('TH-1')).toBe(true);
    expect(rules.rules[1]).toMatchObject({
      source: {
        kind: 'point',
        point: 'temperature',
        condition: { kind: 'compare', op: '>', value: 30 },
        hysteresis: 0.5,
        forMs: 60_000,
        recovery: true,
      },
      cooldownMs: 300_000,
      actions: [{ kind: 'mqtt', broker: 'local', topic: 'alarms/{{deviceId}}', qos: 1, retain: false, payload: null }],
    });
  });

  it('reports every mistake with line, column and field', () => {
    expect(
      issues(`version: 1
webhooks:
  ops: { url: "ftp://x", secret: short }
rules:
  - name: a
    on: device.exploded
    actions: [{ webhook: nope }]
  - name: a
    point: pressure
    when: { ">": 1, "<": 2 }
    actions: [{ log: info, topic: x }]
  - name: b
    on: device.online
    point: temperature
    hysteresis: 1
    actions: [{ mqtt: broker }]
  - name: c
    point: temperature
    when: { changeBy: 2 }
    hysteresis: 1
    debounce: 5s
    actions: [{ log: info }]
`),
    ).toEqual([
      '3:10 webhooks.ops.url: must be an http:// or https:// URL',
      '3:26 webhooks.ops.secret: a signing secret needs at least 16 characters',
      '6:5 rules[0].on: unknown event type "device.exploded" (known: device.registered, device.online, device.offline, heartbeat.missed, poll.failed, poll.exception, slave.backoff, slave.recovered, channel.connected, channel.disconnected, channel.failed, channel.backoff, channel.stopped, data.received, store.degraded, store.spilling, store.recovered, store.dropped, config.reloaded, config.rejected, rule.fired, rule.recovered)',
      '7:17 rules[0].actions[0].webhook: unknown webhook "nope" (known: ops)',
      '8:5 rules[1].name: rule "a" is defined twice (first at line 5)',
      '9:5 rules[1].point: no point "pressure" in any profile of points.yml',
      '10:5 rules[1].when: give only one of >, <',
      '11:28 rules[1].actions[0].topic: does not apply to a log action',
      '12:5 rules[2]: give either on (events) or point (values), not both',
      '16:17 rules[2].actions[0].mqtt: unknown MQTT broker "broker" (none are defined)',
      '20:5 rules[3].hysteresis: only applies to comparisons, between and outside',
      '21:5 rules[3].debounce: only applies to a rule on device.offline (it holds offline events back to hide flapping)',
    ]);
  });

  it('reports a rejected webhook value once, its default taking its place', () => {
    expect(
      issues(`version: 1
webhooks:
  ops: { url: "http://127.0.0.1:9000/hook", timeout: 0, concurrency: 99, retry: { maxAttempts: 0 } }
`),
    ).toEqual([
      '3:45 webhooks.ops.timeout: must be longer than 0',
      '3:57 webhooks.ops.concurrency: must be ≤ 64',
      '3:83 webhooks.ops.retry.maxAttempts: must be ≥ 1',
    ]);
  });

  it('reports a rejected rule value once, its default taking its place', () => {
    expect(
      issues(`version: 1
rules:
  - name: quiet
    point: temperature
    when: { ">": 1 }
    cooldown: soon
    hysteresis: -1
    actions: [{ log: loud }, { mqtt: "no such!" }]
  - name: "bad name!"
    on: device.online
    actions: [{ webhook: nope }]
  - name: odd
    on: 5
    actions: [{ log: info }]
`),
    ).toEqual([
      '6:5 rules[0].cooldown: must be a duration like 30s, 500ms, 2m, 1h, 7d, or whole milliseconds',
      '7:5 rules[0].hysteresis: must be ≥ 0',
      '8:17 rules[0].actions[0].log: must be one of: info, warn, error',
      '8:32 rules[0].actions[1].mqtt: must be a name of letters, digits, _ . - (at most 64, starting with a letter or digit)',
      // A badly named rule still gets its other checks.
      '9:5 rules[1].name: must be a name of letters, digits, _ . - (at most 64, starting with a letter or digit)',
      '11:17 rules[1].actions[0].webhook: unknown webhook "nope" (none are defined)',
      // Not also "unknown event type 5": without its source the rule is left out.
      '13:5 rules[2].on: must be an event type or a list of them',
    ]);
  });
});

describe('rules.yml alarms', () => {
  it('gives rules a severity (default warning) and an alarm flag (point rules on, event rules off)', () => {
    const rules = load(`version: 1
rules:
  - name: up-down
    on: [device.online, device.offline]
    actions: [{ log: info }]
  - name: down-alarm
    on: device.offline
    alarm: true
    severity: critical
    actions: [{ log: info }]
  - name: hot
    point: temperature
    when: { ">": 30 }
    actions: [{ log: info }]
  - name: hot-note
    point: temperature
    when: { bitSet: 0 }
    clearFor: 30s
    alarm: false
    severity: info
    actions: [{ log: info }]
`).rules!.rules;
    expect(rules.map((r) => [r.name, r.severity, r.alarm])).toEqual([
      ['up-down', 'warning', false],
      ['down-alarm', 'critical', true],
      ['hot', 'warning', true],
      ['hot-note', 'info', false],
    ]);
    expect(rules[2]!.source).toMatchObject({ clearForMs: 0 });
    expect(rules[3]!.source).toMatchObject({ clearForMs: 30_000 });
  });

  it('reports an unknown severity and a hold time where it does not apply, with line and column', () => {
    expect(
      issues(`version: 1
rules:
  - name: a
    on: device.offline
    clearFor: 10s
    severity: fatal
    actions: [{ log: info }]
  - name: b
    point: temperature
    when: { changeBy: 2 }
    clearFor: 10s
    alarm: maybe
    actions: [{ log: info }]
`),
    ).toEqual([
      '5:5 rules[0].clearFor: only applies to a rule on a point',
      '6:5 rules[0].severity: must be one of: critical, major, minor, warning, info',
      '11:5 rules[1].clearFor: only applies to comparisons, between, outside and bits',
      '12:5 rules[1].alarm: must be a boolean',
    ]);
  });
});
