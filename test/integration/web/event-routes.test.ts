// The events, rules and webhooks routes against real HTTP receivers on 127.0.0.1 and a
// simulated DTU: the event log, rules with masked secrets, a signed test call, and a dead
// letter replayed through the API once its receiver recovers.
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { gatewayTests, waitFor, type Harness } from '../../helpers/app-harness.js';
import { startReceiver, type WebhookReceiver } from '../../helpers/webhook-receiver.js';
import { callers, webOf, type Caller } from '../../helpers/web.js';
import { endpoint, SECRET } from '../events/rules-fixture.js';
import type { Role } from '../../../src/web/auth/roles.js';

const { boot, dtu } = gatewayTests();
const receivers: WebhookReceiver[] = [];

afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
});

async function receiver(...args: Parameters<typeof startReceiver>): Promise<WebhookReceiver> {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
}

function api(h: Harness, who: Caller) {
  const call = async (method: 'GET' | 'POST', url: string) => {
    const res = await webOf(h).server.inject({ method, url, headers: { cookie: who.cookie } });
    return { status: res.statusCode, json: res.json() };
  };
  return { get: (url: string) => call('GET', url), post: (url: string) => call('POST', url) };
}

async function bootWith(
  webhooks: Record<string, unknown>,
): Promise<{ h: Harness; as: Record<Role, ReturnType<typeof api>> }> {
  const h = await boot({
    rules: {
      version: 1,
      webhooks,
      rules: [{ name: 'online', description: 'up', on: 'device.online', actions: [{ webhook: 'ops' }] }],
    },
  });
  const who = await callers(h);
  return { h, as: { viewer: api(h, who.viewer), operator: api(h, who.operator), admin: api(h, who.admin) } };
}

describe('events, rules and webhooks API', () => {
  it('lists device.online after a simulated DTU connects, with type and device filters and paging', async () => {
    const r = await receiver();
    const { h, as } = await bootWith({ ops: endpoint(r.url, { headers: { Authorization: 'Bearer hook-token' } }) });
    await dtu(h, 'dtu', { id: 'DTU-EV-1' }).start();
    await waitFor(() => r.ok().length === 1, 10_000, 'the online webhook');
    await h.app.writer.flush();

    const online = await as.viewer.get('/api/events?type=device.online&device=DTU-EV-1');
    expect(online.status).toBe(200);
    expect(online.json.items).toEqual([
      {
        id: r.ok()[0]!.json.id,
        type: 'device.online',
        registrationId: 'DTU-EV-1',
        rule: null,
        at: expect.any(Number),
        payload: expect.objectContaining({ profile: 'th-station' }),
      },
    ]);
    expect(online.json.next).toBeNull();
    expect(online.json.types).toContain('rule.fired');
    const page = await as.viewer.get('/api/events?device=DTU-EV-1&order=asc&limit=1');
    expect(page.json.items.map((e: { type: string }) => e.type)).toEqual(['device.registered']);
    expect(page.json.next).toEqual({ from: page.json.items[0].at });
    expect((await as.viewer.get('/api/events?device=OTHER')).json.items).toEqual([]);
    expect((await as.viewer.get('/api/events?limit=0')).status).toBe(400);

    const rules = await as.viewer.get('/api/rules');
    expect(rules.json.items).toEqual([
      {
        name: 'online',
        description: 'up',
        summary: 'on device.online',
        actions: ['webhook ops'],
        severity: 'warning',
        alarm: false,
        notify: [],
        counters: expect.objectContaining({ fired: 1 }),
      },
    ]);
    expect(rules.json.file.text).toContain('***');
    expect(rules.json.file.text).not.toContain(SECRET);
    expect(rules.json.file.text).not.toContain('hook-token');
    const hooks = await as.viewer.get('/api/webhooks');
    expect(hooks.json.items).toEqual([expect.objectContaining({ name: 'ops', url: r.url, secrets: 1, queued: 0 })]);
    expect(hooks.json.stats).toMatchObject({ delivered: 1, dead: 0 });
  });

  it('sends a signed test call that reaches the receiver, audited; unknown endpoints are 404', async () => {
    const r = await receiver();
    const { as } = await bootWith({ ops: endpoint(r.url) });
    const res = await as.operator.post('/api/webhooks/ops/test');
    expect(res.status).toBe(200);
    expect(res.json.result).toMatchObject({ ok: true, status: 200, error: null });
    const [got] = r.requests;
    expect(got!.json).toMatchObject({ id: res.json.result.eventId, type: 'webhook.test' });
    const timestamp = got!.headers['x-dtuhub-timestamp'] as string;
    const expected = createHmac('sha256', SECRET)
      .update(`${res.json.result.eventId}.${timestamp}.${got!.body}`)
      .digest('hex');
    expect(got!.headers['x-dtuhub-signature']).toBe(`v1=${expected}`);

    const missing = await as.operator.post('/api/webhooks/nope/test');
    expect(missing).toEqual({
      status: 404,
      json: { error: { code: 'WEBHOOK_ENDPOINT_NOT_FOUND', message: expect.any(String) } },
    });
    const audit = await as.admin.get('/api/audit?action=webhook.test&order=asc');
    expect(audit.json.items.map((a: { result: string; actor: string }) => [a.actor, a.result])).toEqual([
      ['operator-user', 'ok'],
      ['operator-user', 'failed'],
    ]);
  });

  it('shows a failed delivery as a dead letter and delivers it on retry once the receiver recovers', async () => {
    const r = await receiver(() => 503);
    const { h, as } = await bootWith({
      ops: endpoint(r.url, { retry: { maxAttempts: 2, initialDelay: '10ms', maxDelay: '10ms' } }),
    });
    await dtu(h, 'dtu', { id: 'DTU-EV-2' }).start();
    const dead = await waitFor(
      async () => (await as.operator.get('/api/webhooks/dead-letters')).json.items[0],
      10_000,
      'a dead letter',
    );
    expect(dead).toMatchObject({
      eventType: 'device.online',
      registrationId: 'DTU-EV-2',
      endpoint: 'ops',
      status: 'dead',
      attempts: 2,
      lastStatus: 503,
    });
    expect(r.requests).toHaveLength(2);

    r.setBehaviour(() => 204);
    const retried = await as.operator.post(`/api/webhooks/deliveries/${dead.id}/retry`);
    expect(retried.status).toBe(200);
    const delivered = await waitFor(
      async () => (await as.operator.get('/api/webhooks/deliveries?status=delivered')).json.items[0],
      10_000,
      'the replayed delivery',
    );
    expect(delivered).toMatchObject({
      id: dead.id,
      lastStatus: 204,
      deliveredAt: expect.any(Number),
      lastLatencyMs: expect.any(Number),
    });
    expect(r.ok().map((req) => req.json.id)).toEqual([dead.eventId]);
    expect((await as.operator.get('/api/webhooks/dead-letters')).json.items).toEqual([]);

    const again = await as.operator.post(`/api/webhooks/deliveries/${dead.id}/retry`);
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('WEBHOOK_RETRY_CONFLICT');
    expect((await as.operator.post('/api/webhooks/deliveries/no-such-id/retry')).json.error.code).toBe(
      'WEBHOOK_DELIVERY_NOT_FOUND',
    );
    const audit = await as.admin.get('/api/audit?action=webhook.retry&order=asc');
    expect(audit.json.items.map((a: { result: string }) => a.result)).toEqual(['ok', 'failed', 'failed']);
  });
});
