// The alarm workflow through the API against a simulated DTU whose value the test sets:
// an alarm rule raises one alarm (a re-fire does not duplicate), a viewer may read but not
// acknowledge, an operator's bulk acknowledgement with a comment lands in the row and the
// audit log, the value returning clears it (closed: off the open list), open alarms survive
// a restart, and an offline alarm clears when the device comes back online.
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { gatewayTests, waitFor, type Harness } from '../../helpers/app-harness.js';
import { alarmRows } from '../../helpers/alarm-rows.js';
import { callers, webOf, type Caller } from '../../helpers/web.js';
import { LEVEL_PROFILE, levelProfile, sampleCounter, serve } from '../events/rules-fixture.js';

const { boot, dtu } = gatewayTests();

const RULES = {
  version: 1,
  rules: [
    {
      name: 'high-level',
      description: 'Level above 30',
      point: 'level',
      when: { '>': 30 },
      severity: 'critical',
      actions: [{ log: 'info' }],
    },
    { name: 'down', on: 'device.offline', alarm: true, severity: 'major', actions: [{ log: 'info' }] },
  ],
};

function api(h: Harness, who: Caller) {
  const call = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const res = await webOf(h).server.inject({
      method,
      url,
      headers: { authorization: who.bearer },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
    return { status: res.statusCode, json: res.json() };
  };
  return { get: (url: string) => call('GET', url), post: (url: string, body: unknown) => call('POST', url, body) };
}

describe('alarms API', () => {
  it('raises, acknowledges with a comment, clears and keeps open alarms across a restart', async () => {
    let h = await boot({ points: levelProfile, rules: RULES });
    const who = await callers(h);
    let viewer = api(h, who.viewer);
    let operator = api(h, who.operator);
    const counter = sampleCounter(h.app, 'level');
    const sim = dtu(h, 'dtu', { id: 'LVL-A' }, LEVEL_PROFILE);
    sim.setRegisters(1, 3, 0, [10]);
    await sim.start();
    await serve(sim, counter, 'LVL-A', 10);
    expect((await viewer.get('/api/alarms/summary')).json).toMatchObject({ open: 0 });

    await serve(sim, counter, 'LVL-A', 35);
    await serve(sim, counter, 'LVL-A', 36);
    const summary = (await viewer.get('/api/alarms/summary')).json;
    expect(summary).toEqual({
      active: { critical: 1, major: 0, minor: 0, warning: 0, info: 0 },
      unacknowledged: { critical: 1, major: 0, minor: 0, warning: 0, info: 0 },
      open: 1,
    });
    const open = await viewer.get('/api/alarms?state=open');
    expect(open.json.total).toBe(1);
    const alarm = open.json.items[0];
    expect(alarm).toMatchObject({
      rule: 'high-level',
      registrationId: 'LVL-A',
      point: 'level',
      eventType: 'rule.fired',
      severity: 'critical',
      value: 35,
      text: 'Level above 30',
      fireCount: 1,
      clearedAt: null,
      ackedAt: null,
    });
    expect((await viewer.get('/api/alarms/open')).json.items.map((a: { id: string }) => a.id)).toEqual([alarm.id]);

    // Viewers read, operators acknowledge.
    expect((await viewer.post('/api/alarms/acknowledge', { ids: [alarm.id] })).status).toBe(403);
    const ack = await operator.post('/api/alarms/acknowledge', {
      ids: [alarm.id, 'no-such-alarm'],
      comment: ' 已通知现场 / crew called ',
    });
    expect(ack.status).toBe(200);
    expect(ack.json.skipped).toEqual(['no-such-alarm']);
    expect(ack.json.acknowledged).toMatchObject([
      { id: alarm.id, ackedBy: 'token:operator-user-token', ackComment: '已通知现场 / crew called' },
    ]);
    expect(alarmRows(h)).toMatchObject([
      {
        id: alarm.id,
        acked_by: 'token:operator-user-token',
        ack_comment: '已通知现场 / crew called',
        cleared_at: null,
      },
    ]);
    const audit = await api(h, who.admin).get('/api/audit?limit=10');
    expect(JSON.stringify(audit.json)).toContain('alarm.acknowledge');
    // A second acknowledgement of the same alarm changes nothing.
    expect((await operator.post('/api/alarms/acknowledge', { ids: [alarm.id] })).json.acknowledged).toEqual([]);

    // Back below the limit: cleared, and with the acknowledgement closed.
    await serve(sim, counter, 'LVL-A', 12);
    await waitFor(async () => (await viewer.get('/api/alarms/summary')).json.open === 0, 10_000, 'the alarm closed');
    const closed = await viewer.get('/api/alarms?state=closed&severity=critical,major&device=LVL-A');
    expect(closed.json.items).toMatchObject([{ id: alarm.id, clearValue: 12, clearedAt: expect.any(Number) }]);

    // A new alarm, then the DTU goes: the offline alarm joins it; both survive a restart.
    await serve(sim, counter, 'LVL-A', 40);
    await sim.stop();
    await waitFor(async () => (await viewer.get('/api/alarms/summary')).json.open === 2, 10_000, 'the offline alarm');
    const before = (await viewer.get('/api/alarms/open')).json.items;
    expect(before.map((a: { rule: string }) => a.rule)).toEqual(['high-level', 'down']);
    counter.stop();

    h = await h.restart();
    try {
      viewer = api(h, who.viewer);
      operator = api(h, who.operator);
      expect((await viewer.get('/api/alarms/open')).json.items).toEqual(before);

      // Online again: the offline alarm clears but stays open until acknowledged.
      const back = dtu(h, 'dtu', { id: 'LVL-A' }, LEVEL_PROFILE);
      back.setRegisters(1, 3, 0, [40]);
      await back.start();
      await waitFor(
        async () =>
          (await viewer.get('/api/alarms?rule=down&state=cleared')).json.total === 1 &&
          (await viewer.get('/api/alarms/summary')).json.active.major === 0,
        10_000,
        'the offline alarm cleared',
      );
      const summaryAfter = (await viewer.get('/api/alarms/summary')).json;
      expect(summaryAfter).toMatchObject({ open: 2, unacknowledged: { critical: 1, major: 1 } });
      await back.stop();
    } finally {
      await h.stop();
    }
  });

  it('refuses bad filters and an empty acknowledgement', async () => {
    const h = await boot({ points: levelProfile, rules: RULES });
    const who = await callers(h);
    const operator = api(h, who.operator);
    expect((await operator.get('/api/alarms?state=burning')).status).toBe(400);
    expect((await operator.get('/api/alarms?severity=critical,fatal')).status).toBe(400);
    expect((await operator.post('/api/alarms/acknowledge', { ids: [] })).status).toBe(400);
  });
});

describe('alarms on the live feed', () => {
  it('tells device and fleet viewers when an alarm is raised and acknowledged, without the alarm itself', async () => {
    const h = await boot({ points: levelProfile, rules: RULES });
    const who = await callers(h);
    const frames: { type: string; topic?: string; deviceId?: string | null }[] = [];
    const ws = new WebSocket(`${h.webUrl().replace('http', 'ws')}/api/live?subscribe=fleet,device:LVL-L`, {
      headers: { authorization: who.viewer.bearer },
    });
    ws.on('message', (data) => frames.push(JSON.parse(data.toString()) as (typeof frames)[number]));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    try {
      const counter = sampleCounter(h.app, 'level');
      const sim = dtu(h, 'dtu', { id: 'LVL-L' }, LEVEL_PROFILE);
      sim.setRegisters(1, 3, 0, [10]);
      await sim.start();
      await serve(sim, counter, 'LVL-L', 10);
      expect(frames.filter((f) => f.type === 'alarms')).toEqual([]);
      await serve(sim, counter, 'LVL-L', 35);
      const alarms = () => frames.filter((f) => f.type === 'alarms');
      await waitFor(() => alarms().some((f) => f.topic === 'fleet'), 5000, 'the fleet alarms frame');
      expect(alarms()).toContainEqual({
        type: 'alarms',
        topic: 'device:LVL-L',
        deviceId: 'LVL-L',
        at: expect.any(Number),
      });
      expect(alarms()).toContainEqual({ type: 'alarms', topic: 'fleet', deviceId: null, at: expect.any(Number) });
      const before = alarms().length;
      const [open] = h.app.alarms.open();
      await api(h, who.operator).post('/api/alarms/acknowledge', { ids: [open!.id] });
      await waitFor(() => alarms().length >= before + 2, 5000, 'frames for the acknowledgement');
      counter.stop();
    } finally {
      ws.close();
    }
  });
});
