import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EmailNotifier, NotifierDef, RobotNotifier } from '../../../src/domain/notifiers.js';
import { makeEvent } from '../../../src/events/event.js';
import { emailMessage } from '../../../src/events/notify/email-message.js';
import { MAX_HELD, NotifierHub } from '../../../src/events/notify/notifier-hub.js';
import type { Notice } from '../../../src/events/notify/notice.js';
import { scrub } from '../../../src/events/notify/notice-sender.js';
import { inQuietHours } from '../../../src/events/notify/quiet-hours.js';
import { robotAnswerError, robotRequest } from '../../../src/events/notify/robot-message.js';
import { pino } from 'pino';

const NOW = Date.UTC(2026, 11, 7, 8, 0, 0, 123);
const NOTICE: Notice = { title: 'Rule fired · 7001', lines: ['2026-12-07 16:00:00 temperature 55.5 > 30'], events: 1 };
const base = {
  language: 'en' as const,
  enabled: true,
  quietHours: null,
  minSeverity: 'info' as const,
  timeoutMs: 1000,
  maxAttempts: 3,
  backoffInitialMs: 1,
  backoffMaxMs: 2,
};

function robot(over: Partial<RobotNotifier>): RobotNotifier {
  return {
    ...base,
    name: 'r',
    type: 'dingtalk',
    url: 'https://oapi.dingtalk.com/robot/send?access_token=abc',
    secret: null,
    format: 'markdown',
    ...over,
  };
}

describe('robot messages', () => {
  it('DingTalk: markdown body, timestamp in ms and the URL-encoded HMAC of "timestamp\\nsecret" keyed by the secret', () => {
    const secret = 'SEC0123456789abcdef';
    const req = robotRequest(robot({ secret }), NOTICE, NOW);
    const url = new URL(req.url);
    expect(url.searchParams.get('access_token')).toBe('abc');
    expect(url.searchParams.get('timestamp')).toBe(String(NOW));
    const expected = createHmac('sha256', secret).update(`${NOW}\n${secret}`).digest('base64');
    expect(req.url).toContain(`&sign=${encodeURIComponent(expected)}`);
    expect(url.searchParams.get('sign')).toBe(expected);
    expect(JSON.parse(req.body)).toEqual({
      msgtype: 'markdown',
      markdown: { title: NOTICE.title, text: `### ${NOTICE.title}\n\n- ${NOTICE.lines[0]}` },
    });
  });

  it('DingTalk text, unsigned: the URL is left as configured', () => {
    const req = robotRequest(robot({ format: 'text' }), NOTICE, NOW);
    expect(req.url).toBe('https://oapi.dingtalk.com/robot/send?access_token=abc');
    expect(JSON.parse(req.body)).toEqual({ msgtype: 'text', text: { content: `${NOTICE.title}\n${NOTICE.lines[0]}` } });
  });

  it('WeCom: markdown content or text, never signed', () => {
    const url = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1';
    const md = robotRequest(robot({ type: 'wecom', url }), NOTICE, NOW);
    expect(md.url).toBe(url);
    expect(JSON.parse(md.body)).toEqual({
      msgtype: 'markdown',
      markdown: { content: `### ${NOTICE.title}\n\n- ${NOTICE.lines[0]}` },
    });
    const text = robotRequest(robot({ type: 'wecom', url, format: 'text' }), NOTICE, NOW);
    expect(JSON.parse(text.body)).toEqual({
      msgtype: 'text',
      text: { content: `${NOTICE.title}\n${NOTICE.lines[0]}` },
    });
  });

  it('Feishu: timestamp in seconds and base64 HMAC keyed by "timestamp\\nsecret" over an empty message, in the body', () => {
    const secret = 'feishu-secret';
    const url = 'https://open.feishu.cn/open-apis/bot/v2/hook/xyz';
    const post = JSON.parse(
      robotRequest(robot({ type: 'feishu', url, secret, format: 'post', language: 'zh' }), NOTICE, NOW).body,
    );
    const ts = Math.floor(NOW / 1000);
    expect(post.timestamp).toBe(String(ts));
    expect(post.sign).toBe(createHmac('sha256', `${ts}\n${secret}`).update('').digest('base64'));
    expect(post.msg_type).toBe('post');
    expect(post.content.post.zh_cn).toEqual({
      title: NOTICE.title,
      content: [[{ tag: 'text', text: NOTICE.lines[0] }]],
    });
    const text = JSON.parse(robotRequest(robot({ type: 'feishu', url, format: 'text' }), NOTICE, NOW).body);
    expect(text).toEqual({ msg_type: 'text', content: { text: `${NOTICE.title}\n${NOTICE.lines[0]}` } });
  });

  it('reads the robots’ error codes from a 200 answer', () => {
    expect(robotAnswerError('{"errcode":0,"errmsg":"ok"}')).toBeNull();
    expect(robotAnswerError('{"code":0}')).toBeNull();
    expect(robotAnswerError('{"errcode":310000,"errmsg":"sign not match"}')).toBe(
      'robot answered code 310000: sign not match',
    );
    expect(robotAnswerError('{"code":19021,"msg":"sign match fail"}')).toBe(
      'robot answered code 19021: sign match fail',
    );
    expect(robotAnswerError('ok')).toBeNull();
  });

  it('keeps tokens, keys and secrets out of error text', () => {
    const def = robot({ secret: 'SECverysecret' });
    expect(scrub(def, `request to ${def.url} failed; abc; SECverysecret`)).toBe('request to *** failed; abc; ***');
  });
});

describe('e-mail message', () => {
  it('has the title as subject, the lines as text and escaped HTML', () => {
    const def: EmailNotifier = {
      ...base,
      name: 'm',
      type: 'email',
      host: 'h',
      port: 25,
      secure: false,
      requireTls: false,
      user: null,
      password: null,
      from: 'a@b',
      to: ['c@d'],
      language: 'zh',
    };
    const m = emailMessage(def, { title: 'T <1>', lines: ['a & b'], events: 1 });
    expect(m.subject).toBe('[dtuhub] T <1>');
    expect(m.text).toBe('a & b\n\n—— dtuhub 自动发送');
    expect(m.html).toContain('<h2>T &#60;1&#62;</h2><ul><li>a &#38; b</li></ul>');
  });
});

describe('quiet hours', () => {
  const quiet = {
    fromMinute: 22 * 60,
    toMinute: 7 * 60,
    timezone: 'Asia/Shanghai',
    except: ['device.offline'],
    exceptSeverities: [],
  };
  it('span midnight in the notifier’s time zone', () => {
    // 14:30 UTC = 22:30 in Shanghai; 23:00 UTC = 07:00 the next morning.
    expect(inQuietHours(quiet, Date.UTC(2026, 11, 7, 14, 30))).toBe(true);
    expect(inQuietHours(quiet, Date.UTC(2026, 11, 7, 22, 59))).toBe(true);
    expect(inQuietHours(quiet, Date.UTC(2026, 11, 7, 23, 0))).toBe(false);
    expect(inQuietHours(quiet, Date.UTC(2026, 11, 7, 8, 0))).toBe(false);
    expect(inQuietHours({ ...quiet, fromMinute: 12 * 60, toMinute: 13 * 60 }, Date.UTC(2026, 11, 7, 4, 30))).toBe(true);
  });

  it('hold messages and send one digest when they end; excepted types go at once (injected clock)', async () => {
    let now = Date.UTC(2026, 11, 7, 14, 30); // 22:30 Shanghai
    const sent: { name: string; notice: Notice }[] = [];
    const def: NotifierDef = robot({ name: 'night', quietHours: quiet, language: 'en' });
    const hub = new NotifierHub(
      new Map([['night', def]]),
      async (d, notice) => void sent.push({ name: d.name, notice }),
      { now: () => now },
      pino({ level: 'silent' }),
    );
    const fired = (value: number) =>
      makeEvent('rule.fired', '7001', now, { point: 'temperature', value, condition: '> 30' }, 'hot');
    hub.notify('night', fired(31), { name: 'hot', severity: 'warning' });
    hub.notify('night', fired(32), { name: 'hot', severity: 'warning' });
    hub.notify('night', makeEvent('device.offline', '7002', now, { reason: 'closed' }), {
      name: 'down',
      severity: 'minor',
    });
    await hub.idle();
    expect(sent.map((s) => s.notice.title)).toEqual(['[Minor] Device offline · 7002']);
    expect(hub.states()[0]).toMatchObject({ quiet: true, held: 2, sent: 1 });

    hub.tick(); // still quiet: nothing
    await hub.idle();
    expect(sent).toHaveLength(1);

    now = Date.UTC(2026, 11, 7, 23, 0, 30); // 07:00:30 Shanghai
    hub.tick();
    await hub.idle();
    expect(sent).toHaveLength(2);
    expect(sent[1]!.notice.title).toBe('2 notifications held during quiet hours');
    expect(sent[1]!.notice.lines).toEqual([
      '2026-12-07 22:30:00 temperature 31 is above the limit 30 on DTU 7001 (rule hot)',
      '2026-12-07 22:30:00 temperature 32 is above the limit 30 on DTU 7001 (rule hot)',
    ]);
    expect(hub.states()[0]).toMatchObject({ quiet: false, held: 0, sent: 2 });
  });

  it('keep at most MAX_HELD lines and count the rest in the digest', async () => {
    let now = Date.UTC(2026, 11, 7, 14, 30);
    const sent: Notice[] = [];
    const def = robot({ name: 'n', quietHours: quiet });
    const hub = new NotifierHub(
      new Map([['n', def]]),
      async (_d, notice) => void sent.push(notice),
      { now: () => now },
      pino({ level: 'silent' }),
    );
    for (let i = 0; i < MAX_HELD + 5; i++) hub.notify('n', makeEvent('slave.recovered', '1', now, { slave: 1 }), null);
    now = Date.UTC(2026, 11, 7, 23, 1);
    hub.tick();
    await hub.idle();
    expect(sent[0]!.title).toBe(`${MAX_HELD + 5} notifications held during quiet hours`);
    expect(sent[0]!.lines.at(-1)).toBe('(5 more not kept)');
  });
});

describe('notifier hub', () => {
  it('retries a failed message with backoff and gives up after maxAttempts, keeping the error', async () => {
    let calls = 0;
    const def = robot({ name: 'flaky', maxAttempts: 3 });
    const hub = new NotifierHub(
      new Map([['flaky', def]]),
      async () => {
        calls++;
        throw new Error(`HTTP 50${calls}`);
      },
      { now: () => NOW },
      pino({ level: 'silent' }),
    );
    hub.notify('flaky', makeEvent('slave.recovered', '1', NOW, { slave: 1 }), null);
    await new Promise((r) => setTimeout(r, 100));
    await hub.idle();
    expect(calls).toBe(3);
    expect(hub.states()[0]).toMatchObject({ sent: 0, failed: 1, queued: 0, lastError: 'HTTP 503' });
    hub.stop();
  });

  it('gives up what a notifier had queued once a reload disables or removes it', async () => {
    let calls = 0;
    const def = robot({ name: 'slow', maxAttempts: 5, backoffInitialMs: 200, backoffMaxMs: 200 });
    const hub = new NotifierHub(
      new Map([['slow', def]]),
      async () => {
        calls++;
        throw new Error('HTTP 503');
      },
      { now: () => NOW },
      pino({ level: 'silent' }),
    );
    for (let i = 0; i < 3; i++) hub.notify('slow', makeEvent('slave.recovered', '1', NOW, { slave: i }), null);
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toBe(1); // the first attempt failed; a retry waits
    hub.use(new Map([['slow', { ...def, enabled: false }]]));
    expect(hub.states()[0]).toMatchObject({ queued: 0, dropped: 3 });
    await new Promise((r) => setTimeout(r, 300));
    expect(calls).toBe(1);
    hub.use(new Map());
    expect(hub.states()).toEqual([]);
    hub.stop();
  });

  it('sends nothing for a disabled notifier', async () => {
    let calls = 0;
    const hub = new NotifierHub(
      new Map([['off', robot({ name: 'off', enabled: false })]]),
      async () => void calls++,
      { now: () => NOW },
      pino({ level: 'silent' }),
    );
    hub.notify('off', makeEvent('slave.recovered', '1', NOW, { slave: 1 }), null);
    await hub.idle();
    expect(calls).toBe(0);
  });
});

describe('notifiers and alarm severity', () => {
  const quiet = {
    fromMinute: 22 * 60,
    toMinute: 7 * 60,
    timezone: 'Asia/Shanghai',
    except: [],
    exceptSeverities: ['critical' as const],
  };
  const hot = (at: number) =>
    makeEvent('rule.fired', '86000001', at, { point: 'temperature', value: 55.5, condition: '> 30' }, 'hot');

  function hubOf(def: NotifierDef, clock: () => number, sent: Notice[]) {
    return new NotifierHub(
      new Map([[def.name, def]]),
      async (_d, notice) => void sent.push(notice),
      { now: clock },
      pino({ level: 'silent' }),
      (deviceId, point) =>
        deviceId === '86000001' && point === 'temperature'
          ? { description: { zh: '温度', en: 'Temperature' }, unit: '°C' }
          : null,
    );
  }

  it('drop events of rules below minSeverity; events not sent by a rule always go', async () => {
    const sent: Notice[] = [];
    const hub = hubOf(robot({ name: 'ops', minSeverity: 'major' }), () => NOW, sent);
    hub.notify('ops', hot(NOW), { name: 'hot', severity: 'warning' });
    hub.notify('ops', hot(NOW), { name: 'hot', severity: 'minor' });
    hub.notify('ops', hot(NOW), { name: 'hot', severity: 'major' });
    hub.notify('ops', hot(NOW), { name: 'hot', severity: 'critical' });
    hub.notify('ops', makeEvent('slave.recovered', '1', NOW, { slave: 1 }), null);
    await hub.idle();
    expect(sent.map((n) => [n.title, n.severity])).toEqual([
      ['[Major] Rule fired · 86000001', 'major'],
      ['[Critical] Rule fired · 86000001', 'critical'],
      ['Slave recovered · 1', null],
    ]);
    expect(hub.states()[0]).toMatchObject({ sent: 3, held: 0 });
  });

  it('send critical alarms at once during quiet hours and hold the rest', async () => {
    const night = Date.UTC(2026, 11, 7, 14, 30); // 22:30 Shanghai
    const sent: Notice[] = [];
    const hub = hubOf(robot({ name: 'ops', quietHours: quiet, language: 'zh' }), () => night, sent);
    hub.notify('ops', hot(night), { name: 'hot', severity: 'critical' });
    hub.notify('ops', hot(night), { name: 'hot', severity: 'major' });
    await hub.idle();
    expect(sent.map((n) => n.title)).toEqual(['【紧急】规则触发 · 86000001']);
    expect(hub.states()[0]).toMatchObject({ sent: 1, held: 1 });
  });

  it('say the point’s description in the notifier’s language and the value with its unit', async () => {
    const sent: Notice[] = [];
    const zh = hubOf(
      robot({ name: 'zh', language: 'zh', quietHours: { ...quiet, except: [], exceptSeverities: [] } }),
      () => NOW,
      sent,
    );
    zh.notify('zh', hot(NOW), { name: 'hot', severity: 'major' });
    await zh.idle();
    expect(sent[0]!.lines).toEqual(['2026-12-07 16:00:00 DTU 86000001 温度 55.5 °C 超过上限 30（规则 hot）']);
    const en = hubOf(robot({ name: 'en', language: 'en' }), () => NOW, sent);
    en.notify('en', hot(NOW), { name: 'hot', severity: 'major' });
    en.notify('en', makeEvent('rule.recovered', '86000002', NOW, { point: 'temperature', value: 20 }, 'hot'), null);
    await en.idle();
    expect(sent[1]!.lines[0]).toMatch(/ Temperature 55\.5 °C is above the limit 30 on DTU 86000001 \(rule hot\)$/);
    // A device whose point is not known keeps the point's name and no unit.
    expect(sent[2]!.lines[0]).toMatch(/ temperature is back to normal \(20\) on DTU 86000002 \(rule hot\)$/);
  });
});
