// rules.yml `notifiers:`: compiled with their defaults, routed by `notify:`, and every
// mistake reported with its place.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/load.js';
import { MINIMAL_POINTS, MINIMAL_SERVER, withConfigDir } from './temp-config.js';

function load(rules: string, env: NodeJS.ProcessEnv = {}) {
  return withConfigDir({ server: MINIMAL_SERVER, points: MINIMAL_POINTS, rules }, (dir) => loadConfig(dir, env));
}

function issues(rules: string): string[] {
  try {
    load(rules);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.issues.map((i) => `${i.line} ${i.field}: ${i.message}`);
  }
  throw new Error('expected a ConfigError');
}

describe('rules.yml notifiers', () => {
  it('compile e-mail and robot notifiers with defaults, secrets from the environment, and notify actions', () => {
    const config = load(
      `version: 1
notifiers:
  mail:
    type: email
    host: smtp.example.com
    secure: true
    user: alarms
    password: \${SMTP_PASSWORD}
    from: dtuhub@example.com
    to: [ops@example.com]
    quietHours: { from: "22:00", to: "07:00", timezone: Asia/Shanghai, except: [device.offline] }
  ding:
    type: dingtalk
    url: https://oapi.dingtalk.com/robot/send?access_token=abc
    secret: SECabc
    enabled: false
rules:
  - name: up-down
    on: device.offline
    actions: [{ notify: mail }, { notify: ding }]
`,
      { SMTP_PASSWORD: 'pw' },
    );
    const rules = config.rules!;
    expect(rules.notifiers.get('mail')).toMatchObject({
      type: 'email',
      port: 465,
      secure: true,
      password: 'pw',
      language: 'zh',
      enabled: true,
      maxAttempts: 5,
      backoffInitialMs: 2000,
      quietHours: { fromMinute: 1320, toMinute: 420, timezone: 'Asia/Shanghai', except: ['device.offline'] },
    });
    expect(rules.notifiers.get('ding')).toMatchObject({
      type: 'dingtalk',
      format: 'markdown',
      secret: 'SECabc',
      enabled: false,
    });
    expect(rules.rules[0]!.actions).toEqual([
      { kind: 'notify', notifier: 'mail' },
      { kind: 'notify', notifier: 'ding' },
    ]);
  });

  it('report missing keys, keys of another type, unknown notifiers, bad times and zones', () => {
    expect(
      issues(`version: 1
notifiers:
  mail: { type: email, url: "http://x/" }
  wc: { type: wecom, url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", secret: s, format: post }
  fs: { type: feishu, url: "https://open.feishu.cn/x", quietHours: { from: "25:00", to: "07:00" } }
  tz: { type: dingtalk, url: "https://x/", quietHours: { from: "22:00", to: "07:00", timezone: Mars/Base } }
rules:
  - name: r
    on: device.offline
    actions: [{ notify: nobody }]
`),
    ).toEqual([
      '3 notifiers.mail.from: is required for an email notifier',
      '3 notifiers.mail.host: is required for an email notifier',
      '3 notifiers.mail.to: is required for an email notifier (a list of addresses)',
      '3 notifiers.mail.url: does not apply to an email notifier',
      '4 notifiers.wc.secret: WeCom group robots have no signature (the key in the URL is the secret)',
      '4 notifiers.wc.format: a wecom notifier sends markdown or text',
      '5 notifiers.fs.quietHours.from: must be a time of day HH:MM (24-hour)',
      '6 notifiers.tz.quietHours.timezone: unknown time zone "Mars/Base" (an IANA name such as Asia/Shanghai)',
      '10 rules[0].actions[0].notify: unknown notifier "nobody" (known: wc, fs, tz)',
    ]);
  });

  it('compile minSeverity (default info) and quiet-hours exceptions that are severities or event types', () => {
    const rules = load(`version: 1
notifiers:
  ops:
    type: dingtalk
    url: https://oapi.dingtalk.com/robot/send?access_token=abc
    minSeverity: major
    quietHours: { from: "22:00", to: "07:00", except: [critical, device.offline] }
  all: { type: wecom, url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k" }
`).rules!;
    expect(rules.notifiers.get('ops')).toMatchObject({
      minSeverity: 'major',
      quietHours: { except: ['device.offline'], exceptSeverities: ['critical'] },
    });
    expect(rules.notifiers.get('all')!.minSeverity).toBe('info');
  });

  it('report an unknown minSeverity and an exception that is neither a severity nor an event type', () => {
    expect(
      issues(`version: 1
notifiers:
  ops:
    type: dingtalk
    url: https://oapi.dingtalk.com/robot/send?access_token=abc
    minSeverity: urgent
    quietHours:
      from: "22:00"
      to: "07:00"
      except: [critical, device.exploded]
`),
    ).toEqual([
      '6 notifiers.ops.minSeverity: must be one of: critical, major, minor, warning, info',
      '10 notifiers.ops.quietHours.except[1]: "device.exploded" is neither an event type nor a severity (critical, major, minor, warning, info)',
    ]);
  });
});
