// Webhook delivery a receiver can trust, against real HTTP receivers on 127.0.0.1 and
// simulated DTUs: online/offline calls, retries with one event id, isolation of a slow
// endpoint, signatures, dead letters and their replay, the test call, and a restart.
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { gatewayTests, removeDir, waitFor, type Harness } from '../../helpers/app-harness.js';
import { startReceiver, type WebhookReceiver } from '../../helpers/webhook-receiver.js';
import { endpoint, OLD_SECRET, SECRET } from './rules-fixture.js';

const { boot, dtu } = gatewayTests();
const receivers: WebhookReceiver[] = [];
const extra: Harness[] = [];

afterEach(async () => {
  for (const h of extra.splice(0)) {
    await h.stop();
    removeDir(h.dir);
  }
  for (const r of receivers.splice(0)) await r.close();
});

async function receiver(...args: Parameters<typeof startReceiver>): Promise<WebhookReceiver> {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
}

function onlineOfflineRules(
  webhooks: Record<string, unknown>,
  actions: Record<string, unknown>[],
  rule: Record<string, unknown> = {},
) {
  return {
    version: 1,
    webhooks,
    rules: [{ name: 'up-down', on: ['device.online', 'device.offline'], actions, ...rule }],
  };
}

describe('webhooks', () => {
  it('call the webhook when a simulated DTU comes online and when it drops', async () => {
    const r = await receiver();
    const h = await boot({ rules: onlineOfflineRules({ ops: endpoint(r.url) }, [{ webhook: 'ops' }]) });
    const sim = dtu(h, 'dtu', { id: 'DTU-ONOFF' });
    await sim.start();
    await waitFor(() => r.ok().length >= 1, 10_000, 'the online webhook');
    await sim.stop();
    await waitFor(() => r.ok().length >= 2, 10_000, 'the offline webhook');

    const [online, offline] = r.ok().map((req) => req.json);
    expect(online).toMatchObject({
      type: 'device.online',
      deviceId: 'DTU-ONOFF',
      rule: 'up-down',
      payload: { profile: 'th-station', listener: 'dtu' },
    });
    expect(offline).toMatchObject({
      type: 'device.offline',
      deviceId: 'DTU-ONOFF',
      rule: 'up-down',
      payload: { reason: 'closed' },
    });
    expect(r.requests[0]!.headers['x-dtuhub-event-id']).toBe(online.id);
    expect(new Date(online.time).getTime()).toBe(online.at);
    await h.app.writer.flush();
    const stored = await h.app.events.list({ registrationId: 'DTU-ONOFF', order: 'asc' });
    expect(stored.map((e) => e.type)).toEqual(['device.registered', 'device.online', 'device.offline']);
    expect(stored.slice(1).map((e) => e.id)).toEqual([online.id, offline.id]);
  });

  it('debounce a DTU that drops and comes straight back: no offline and no second online', async () => {
    const r = await receiver();
    const rules = {
      version: 1,
      webhooks: { ops: endpoint(r.url) },
      rules: [
        { name: 'flappy', on: ['device.online', 'device.offline'], debounce: '1h', actions: [{ webhook: 'ops' }] },
        {
          name: 'quick',
          on: 'device.offline',
          debounce: '50ms',
          actions: [{ webhook: 'ops', body: { offline: '{{deviceId}}' } }],
        },
      ],
    };
    const h = await boot({ rules });
    const sim = dtu(h, 'dtu', { id: 'DTU-FLAP' });
    await sim.start();
    await waitFor(() => r.ok().length >= 1, 10_000, 'the online webhook');
    await sim.stop();
    await sim.start();
    await waitFor(() => h.app.events.rules()[0]!.counters.debounced === 1, 10_000, 'the debounced flap');
    // The 50 ms rule has no online to cancel its offline: it is sent after the window.
    await waitFor(() => r.ok().some((req) => req.json.offline === 'DTU-FLAP'), 10_000, 'the quick rule');
    expect(
      r
        .ok()
        .filter((req) => req.json.rule === 'flappy')
        .map((req) => req.json.type),
    ).toEqual(['device.online']);
  });

  it('retry a receiver that fails 3 times and deliver exactly once, with the same event id', async () => {
    const r = await receiver((n) => (n < 3 ? 500 : 200));
    const h = await boot({ rules: onlineOfflineRules({ ops: endpoint(r.url) }, [{ webhook: 'ops' }]) });
    await dtu(h, 'dtu', { id: 'DTU-RETRY' }).start();
    await waitFor(() => r.ok().length === 1, 10_000, 'the successful delivery');
    const [delivery] = await waitFor(async () => {
      const rows = await h.app.webhooks.deliveries();
      return rows[0]?.status === 'delivered' ? rows : null;
    });

    expect(r.requests.map((req) => req.answered)).toEqual([500, 500, 500, 200]);
    expect(new Set(r.requests.map((req) => req.headers['x-dtuhub-event-id'])).size).toBe(1);
    expect(new Set(r.requests.map((req) => req.body)).size).toBe(1);
    expect(r.requests.map((req) => req.headers['x-dtuhub-attempt'])).toEqual(['1', '2', '3', '4']);
    expect(delivery).toMatchObject({
      eventId: r.requests[0]!.json.id,
      endpoint: 'ops',
      status: 'delivered',
      attempts: 4,
      lastStatus: 200,
      lastError: null,
    });
    expect(delivery!.lastLatencyMs).toBeGreaterThanOrEqual(0);
    expect(delivery!.deliveredAt).not.toBeNull();
  });

  it('keep delivering to a healthy endpoint while another never answers', async () => {
    const slow = await receiver(() => 'hang');
    const fast = await receiver();
    const webhooks = { slow: endpoint(slow.url, { timeout: '1h', concurrency: 2 }), fast: endpoint(fast.url) };
    const h = await boot({ rules: onlineOfflineRules(webhooks, [{ webhook: 'slow' }, { webhook: 'fast' }]) });
    const ids = ['S-1', 'S-2', 'S-3', 'S-4', 'S-5'];
    for (const id of ids) await dtu(h, 'dtu', { id }).start();

    await waitFor(() => fast.ok().length === ids.length, 10_000, 'every delivery to the healthy endpoint');
    expect(
      fast
        .ok()
        .map((req) => req.json.deviceId)
        .sort(),
    ).toEqual(ids);
    // The slow endpoint holds exactly its concurrency limit, none answered, the rest queued.
    await waitFor(() => slow.requests.length === 2, 10_000, 'two requests at the slow endpoint');
    expect(slow.requests.every((req) => req.answered === null)).toBe(true);
    expect(h.app.webhooks.stats().byEndpoint['slow']).toEqual({ inFlight: 2, queued: 3 });
  });

  it('sign every request so that HMAC-SHA256 over id.timestamp.body verifies, with both secrets during a rotation', async () => {
    const r = await receiver();
    const h = await boot({
      rules: onlineOfflineRules({ ops: endpoint(r.url, { secret: undefined, secrets: [SECRET, OLD_SECRET] }) }, [
        { webhook: 'ops' },
      ]),
    });
    await dtu(h, 'dtu', { id: 'DTU-SIGNED' }).start();
    const [request] = await waitFor(() => (r.ok().length > 0 ? r.ok() : null));

    // What a receiver does, written from docs/EVENTS.md without dtuhub's code.
    const id = request!.headers['x-dtuhub-event-id'] as string;
    const timestamp = request!.headers['x-dtuhub-timestamp'] as string;
    const header = request!.headers['x-dtuhub-signature'] as string;
    const expected = (secret: string) =>
      'v1=' + createHmac('sha256', secret).update(`${id}.${timestamp}.${request!.body}`).digest('hex');
    expect(header.split(',')).toEqual([expected(SECRET), expected(OLD_SECRET)]);
    expect(id).toBe(request!.json.id);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(3600);
    expect(header).not.toContain(expected('some-other-secret-000'));
  });

  it('turn a delivery into a dead letter after maxAttempts and replay it on retry()', async () => {
    const r = await receiver(() => 503);
    const rules = onlineOfflineRules(
      { ops: endpoint(r.url, { retry: { maxAttempts: 2, initialDelay: '10ms', maxDelay: '10ms' } }) },
      [{ webhook: 'ops' }],
    );
    const h = await boot({ rules });
    await dtu(h, 'dtu', { id: 'DTU-DEAD' }).start();
    const [dead] = await waitFor(async () => {
      const rows = await h.app.webhooks.deadLetters();
      return rows.length > 0 ? rows : null;
    });
    expect(dead).toMatchObject({ status: 'dead', attempts: 2, lastStatus: 503, lastError: 'HTTP 503' });
    expect(r.requests).toHaveLength(2);

    r.setBehaviour(() => 200);
    await h.app.webhooks.retry(dead!.id);
    await waitFor(() => r.ok().length === 1, 10_000, 'the replayed delivery');
    expect(r.ok()[0]!.headers['x-dtuhub-event-id']).toBe(dead!.eventId);
    await waitFor(async () => (await h.app.webhooks.deliveries({ eventId: dead!.eventId }))[0]?.status === 'delivered');
    expect(await h.app.webhooks.deadLetters()).toEqual([]);
    await expect(h.app.webhooks.retry(dead!.id)).rejects.toMatchObject({ code: 'WEBHOOK_RETRY_CONFLICT' });
    await expect(h.app.webhooks.retry('no-such-id')).rejects.toMatchObject({ code: 'WEBHOOK_DELIVERY_NOT_FOUND' });
  });

  it('send a signed test call to an endpoint on request, even a disabled one', async () => {
    const r = await receiver();
    const h = await boot({ rules: { version: 1, webhooks: { ops: endpoint(r.url, { enabled: false }) } } });
    const result = await h.app.webhooks.test('ops');
    expect(result).toMatchObject({ ok: true, status: 200, error: null });
    expect(r.requests).toHaveLength(1);
    expect(r.requests[0]!.json).toMatchObject({ id: result.eventId, type: 'webhook.test', deviceId: null });
    expect(r.requests[0]!.headers['x-dtuhub-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
    await expect(h.app.webhooks.test('nope')).rejects.toMatchObject({ code: 'WEBHOOK_ENDPOINT_NOT_FOUND' });
    expect(h.app.webhooks.endpoints()).toEqual([
      { name: 'ops', url: r.url, method: 'POST', enabled: false, concurrency: 4, maxAttempts: 5, secrets: 1 },
    ]);
  });

  it('deliver after a restart what was still pending when dtuhub stopped', async () => {
    const r = await receiver(() => 503);
    const rules = onlineOfflineRules(
      { ops: endpoint(r.url, { retry: { maxAttempts: 100, initialDelay: '200ms', maxDelay: '200ms' } }) },
      [{ webhook: 'ops' }],
      {
        on: 'device.online',
      },
    );
    const h = await boot({ rules });
    await dtu(h, 'dtu', { id: 'DTU-RESTART' }).start();
    await waitFor(() => r.requests.length >= 1, 10_000, 'a failed attempt');
    const eventId = r.requests[0]!.json.id;
    // The refusal must be on record before the stop: an attempt still waiting for its answer
    // when dtuhub stops is cut short and not counted, which would leave one attempt in all.
    await waitFor(
      async () => ((await h.app.webhooks.deliveries({ eventId }))[0]?.lastStatus === 503 ? true : null),
      10_000,
      'the refusal recorded',
    );
    await h.stop();
    const refused = r.requests.length;

    r.setBehaviour(() => 200);
    const again = await h.restart();
    extra.push(again);
    await waitFor(() => r.ok().length === 1, 10_000, 'the delivery after the restart');
    expect(r.ok()[0]!.json.id).toBe(eventId);
    expect(r.requests.length).toBe(refused + 1);
    const [row] = await waitFor(async () => {
      const rows = await again.app.webhooks.deliveries({ eventId });
      return rows[0]?.status === 'delivered' ? rows : null;
    });
    // An attempt cut short by the stop does not count.
    expect(row).toMatchObject({ status: 'delivered', lastStatus: 200 });
    expect(row!.attempts).toBeGreaterThanOrEqual(2);
    expect(row!.attempts).toBeLessThanOrEqual(refused + 1);
  });
});
