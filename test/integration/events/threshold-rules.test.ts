// Point rules against a simulated DTU whose value the test sets: a threshold fires once
// when the value crosses the limit and once more when it recovers, not on every sample;
// hysteresis holds while the value oscillates at the limit.
import { afterEach, describe, expect, it } from 'vitest';
import { gatewayTests, waitFor } from '../../helpers/app-harness.js';
import { startReceiver, type WebhookReceiver } from '../../helpers/webhook-receiver.js';
import { endpoint, LEVEL_PROFILE, levelProfile, sampleCounter, serve } from './rules-fixture.js';

const { boot, dtu } = gatewayTests();
let receiver: WebhookReceiver | null = null;

afterEach(async () => {
  await receiver?.close();
  receiver = null;
});

function thresholdRules(url: string, rule: Record<string, unknown>): Record<string, unknown> {
  return {
    version: 1,
    webhooks: { alarms: endpoint(url) },
    rules: [{ name: 'high-level', point: 'level', when: { '>': 30 }, actions: [{ webhook: 'alarms' }], ...rule }],
  };
}

describe('threshold rules on live samples', () => {
  it('fire once when the value crosses the limit and once on recovery, not on every sample', async () => {
    receiver = await startReceiver();
    const h = await boot({ points: levelProfile, rules: thresholdRules(receiver.url, {}) });
    const counter = sampleCounter(h.app, 'level');
    const sim = dtu(h, 'dtu', { id: 'LVL-1' }, LEVEL_PROFILE);
    sim.setRegisters(1, 3, 0, [10]);
    await sim.start();

    await serve(sim, counter, 'LVL-1', 10);
    await serve(sim, counter, 'LVL-1', 35, 6);
    await serve(sim, counter, 'LVL-1', 40, 3);
    await serve(sim, counter, 'LVL-1', 12, 6);
    await waitFor(() => receiver!.ok().length >= 2, 10_000, 'two webhooks');
    await h.app.writer.flush();

    const bodies = receiver.ok().map((r) => r.json);
    expect(
      bodies.map((b) => [b.type, b.deviceId, b.rule, b.payload.point, b.payload.value, b.payload.condition]),
    ).toEqual([
      ['rule.fired', 'LVL-1', 'high-level', 'level', 35, '> 30'],
      ['rule.recovered', 'LVL-1', 'high-level', 'level', 12, '> 30'],
    ]);
    const stored = await h.app.events.list({ rule: 'high-level', order: 'asc' });
    expect(stored.map((e) => [e.id, e.type])).toEqual(bodies.map((b) => [b.id, b.type]));
    expect(h.app.events.rules()[0]!.counters).toMatchObject({ fired: 1, recovered: 1, suppressed: 0 });
    // Nothing more arrives while the value stays low.
    await serve(sim, counter, 'LVL-1', 12, 3);
    expect(receiver.requests).toHaveLength(2);
  });

  it('hold with hysteresis while the value oscillates at the limit, and recover below it', async () => {
    receiver = await startReceiver();
    const h = await boot({ points: levelProfile, rules: thresholdRules(receiver.url, { hysteresis: 3 }) });
    const counter = sampleCounter(h.app, 'level');
    const sim = dtu(h, 'dtu', { id: 'LVL-2' }, LEVEL_PROFILE);
    sim.setRegisters(1, 3, 0, [20]);
    await sim.start();

    await serve(sim, counter, 'LVL-2', 20);
    for (const value of [31, 29, 31, 28, 31, 29, 31]) await serve(sim, counter, 'LVL-2', value, 2);
    await waitFor(() => receiver!.ok().length >= 1, 10_000, 'the firing');
    expect(h.app.events.rules()[0]!.counters).toMatchObject({ fired: 1, recovered: 0 });

    await serve(sim, counter, 'LVL-2', 27, 2);
    await waitFor(() => receiver!.ok().length >= 2, 10_000, 'the recovery');
    expect(receiver.ok().map((r) => [r.json.type, r.json.payload.value])).toEqual([
      ['rule.fired', 31],
      ['rule.recovered', 27],
    ]);
    // Without hysteresis the same oscillation would have fired four times.
    expect(h.app.events.rules()[0]!.counters).toMatchObject({ fired: 1, recovered: 1 });
  });
});
