// Notifiers against real peers: a simulated DTU's value crosses a rule's limit, and the
// rule's `notify:` actions deliver an e-mail to a real SMTP server (Debian's aiosmtpd, see
// test/helpers/smtp-server.ts) and a DingTalk- and a Feishu-format request to local HTTP
// receivers that check the robots' signatures the way the vendors document them (computed
// here with node:crypto, apart from src/events/notify). Without python3/aiosmtpd this fails.
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { gatewayTests, waitFor } from '../../helpers/app-harness.js';
import { startSmtpServer, type SmtpServer } from '../../helpers/smtp-server.js';
import { startReceiver, type ReceivedRequest, type WebhookReceiver } from '../../helpers/webhook-receiver.js';
import { LEVEL_PROFILE, levelProfile, sampleCounter, serve } from './rules-fixture.js';

const { boot, dtu } = gatewayTests();
const DING_SECRET = 'SECdingtalk-test-secret-0123456789';
const FEISHU_SECRET = 'feishu-test-secret-0123';
let smtp: SmtpServer | null = null;
const receivers: WebhookReceiver[] = [];

afterEach(async () => {
  await smtp?.stop();
  smtp = null;
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

/** DingTalk: sign = urlencode(base64(HMAC-SHA256(key = secret, msg = timestamp_ms + "\n" + secret))). */
function dingtalkValid(r: Omit<ReceivedRequest, 'answered'>): boolean {
  const query = new URL(r.path, 'http://x').searchParams;
  const timestamp = query.get('timestamp') ?? '';
  const expected = createHmac('sha256', DING_SECRET).update(`${timestamp}\n${DING_SECRET}`).digest('base64');
  return (
    query.get('access_token') === 'tok123' &&
    query.get('sign') === expected &&
    Math.abs(Date.now() - Number(timestamp)) < 3_600_000
  );
}

/** Feishu: sign = base64(HMAC-SHA256(key = timestamp_s + "\n" + secret, msg = "")), in the body. */
function feishuValid(r: Omit<ReceivedRequest, 'answered'>): boolean {
  const { timestamp, sign } = (r.json ?? {}) as { timestamp?: string; sign?: string };
  const expected = createHmac('sha256', `${timestamp}\n${FEISHU_SECRET}`).update('').digest('base64');
  return sign === expected && Math.abs(Date.now() / 1000 - Number(timestamp)) < 3600;
}

describe('notifiers', () => {
  it('send an e-mail over SMTP and signed DingTalk and Feishu messages when a value crosses a limit', async () => {
    smtp = await startSmtpServer();
    const ding = await startReceiver((_, r) => (dingtalkValid(r) ? 200 : 403), '/robot/send?access_token=tok123');
    const feishu = await startReceiver((_, r) => (feishuValid(r) ? 200 : 403), '/open-apis/bot/v2/hook/abc');
    receivers.push(ding, feishu);
    const retry = { maxAttempts: 3, initialDelay: '20ms', maxDelay: '100ms' };
    const rules = {
      version: 1,
      notifiers: {
        'ops-mail': {
          type: 'email',
          host: '127.0.0.1',
          port: smtp.port,
          from: 'dtuhub@example.com',
          to: ['ops@example.com', 'night@example.com'],
          language: 'en',
          retry,
        },
        'ops-ding': { type: 'dingtalk', url: ding.url, secret: DING_SECRET, language: 'zh', retry },
        'ops-feishu': { type: 'feishu', url: feishu.url, secret: FEISHU_SECRET, language: 'en', retry },
      },
      rules: [
        {
          name: 'high-level',
          point: 'level',
          when: { '>': 30 },
          recovery: false,
          severity: 'major',
          actions: [{ notify: 'ops-mail' }, { notify: 'ops-ding' }, { notify: 'ops-feishu' }],
        },
      ],
    };
    // The sentences name the point by its description in the notifier's language, with its unit.
    const described: typeof levelProfile = (p) => {
      levelProfile(p);
      p.profiles[LEVEL_PROFILE]!.points[0] = {
        ...p.profiles[LEVEL_PROFILE]!.points[0]!,
        unit: 'm',
        description: { zh: '液位', en: 'Level' },
      };
    };
    const h = await boot({ points: described, rules });
    const counter = sampleCounter(h.app, 'level');
    const sim = dtu(h, 'dtu', { id: 'NOTE-1' }, LEVEL_PROFILE);
    sim.setRegisters(1, 3, 0, [10]);
    await sim.start();
    await serve(sim, counter, 'NOTE-1', 10);
    await serve(sim, counter, 'NOTE-1', 55);

    await waitFor(
      () => smtp!.messages().length >= 1 && ding.ok().length >= 1 && feishu.ok().length >= 1,
      15_000,
      'mail, DingTalk and Feishu',
    );

    const [mail] = smtp.messages();
    expect(mail!.mail_from).toBe('dtuhub@example.com');
    expect(mail!.rcpt_tos).toEqual(['ops@example.com', 'night@example.com']);
    expect(mail!.subject).toBe('[dtuhub] [Major] Rule fired · NOTE-1');
    expect(mail!.parts['text/plain']).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d Level 55 m is above the limit 30 on DTU NOTE-1 \(rule high-level\)\r?\n/,
    );
    expect(mail!.parts['text/html']).toContain('<li>');
    expect(mail!.parts['text/html']).toContain('Level 55 m is above the limit 30 on DTU NOTE-1 (rule high-level)</li>');

    // Every DingTalk request was signed correctly (the receiver refuses others with 403).
    expect(ding.requests.every((r) => r.answered === 200)).toBe(true);
    const dingBody = ding.ok()[0]!.json;
    expect(dingBody.msgtype).toBe('markdown');
    expect(dingBody.markdown.title).toBe('【重要】规则触发 · NOTE-1');
    expect(dingBody.markdown.text).toContain('DTU NOTE-1 液位 55 m 超过上限 30（规则 high-level）');

    expect(feishu.requests.every((r) => r.answered === 200)).toBe(true);
    const feishuBody = feishu.ok()[0]!.json;
    expect(feishuBody.msg_type).toBe('post');
    expect(feishuBody.content.post.en_us.title).toBe('[Major] Rule fired · NOTE-1');

    const states = h.app.webhooks.notifiers();
    expect(states.map((s) => [s.name, s.type, s.sent, s.failed, s.lastError])).toEqual([
      ['ops-mail', 'email', 1, 0, null],
      ['ops-ding', 'dingtalk', 1, 0, null],
      ['ops-feishu', 'feishu', 1, 0, null],
    ]);
    // No secret shows in what the API gives.
    expect(JSON.stringify(states)).not.toMatch(/tok123|SECdingtalk|feishu-test-secret/);
  });
});
