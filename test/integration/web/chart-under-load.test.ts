// A chart must never cost data: 200 simulated DTUs polled every second over real sockets
// while a viewer asks for the longest-range multi-point chart in a loop. History reads run
// off the event loop, so no poll is skipped or times out, no heartbeat check misses, and
// every chart comes back complete. (On the main thread, each chart stalled the gateway for
// seconds: polls overran and heartbeats were missed.) Counts only, never durations.
import { afterAll, describe, expect, it } from 'vitest';
import type { Sample } from '../../../src/domain/point.js';
import { startFleet, type SimulatorFleet } from '../../../src/simulator/index.js';
import { disposeApp, startApp, waitFor, type Harness } from '../../helpers/app-harness.js';
import { FAST_PROFILE, fastProfile } from '../../helpers/fast-profile.js';
import { caller } from '../../helpers/web.js';

const DTUS = 200;
const CHART_DEVICE = 'CHART0001';
const CHART_POINTS = Array.from({ length: 8 }, (_, i) => `p${i}`);
/** Samples per point, spread over 30 days: 8 × 50,000 rows for each chart to read. */
const ROUNDS = 50_000;
const DAY_MS = 86_400_000;
const LOAD_MS = 15_000;

let h: Harness | null = null;
let fleet: SimulatorFleet | null = null;
afterAll(async () => {
  await fleet?.stop();
  h = await disposeApp(h);
});

async function fillChartHistory(app: Harness['app'], from: number, stepMs: number): Promise<void> {
  const writer = app.writer;
  writer.deviceOnline({
    registrationId: CHART_DEVICE,
    profile: FAST_PROFILE,
    name: null,
    ip: '10.0.0.1',
    port: 10_000,
    listener: 'dtu',
    at: from,
  });
  for (let r = 0; r < ROUNDS; r++) {
    const ts = from + r * stepMs;
    const batch: Sample[] = CHART_POINTS.map((point, p) => ({
      deviceId: CHART_DEVICE,
      point,
      slave: 1,
      address: p,
      value: (r % 1000) + p,
      text: null,
      raw: '0001',
      ts,
      quality: 'good',
    }));
    writer.samples(batch);
    if (r % 10_000 === 9_999) await writer.flush();
  }
  await writer.flush();
}

function pollCounters(app: Harness['app']) {
  let polls = 0;
  let skippedOverrun = 0;
  let pollTimeouts = 0;
  for (const session of app.gateway.registry.devices()) {
    const c = session.devicePoller?.counters;
    if (!c) continue;
    polls += c.polls;
    skippedOverrun += c.skippedOverrun;
    pollTimeouts += c.timeouts;
  }
  return { polls, skippedOverrun, pollTimeouts, timeouts: app.gateway.counters.timeouts };
}

describe('a long chart while 200 DTUs are polled every second', () => {
  it('skips no poll, misses no heartbeat, and returns every chart complete', async () => {
    h = await startApp({
      server: (s) => {
        s.sessions.heartbeatInterval = '1s';
        s.sessions.heartbeatMaxMisses = 3;
        s.sessions.connectStagger = '1s';
      },
      points: (p) => {
        fastProfile(p);
        p.profiles[FAST_PROFILE].tasks[0].every = '1s';
      },
    });
    const app = h.app;
    const to = Date.now();
    const from = to - 30 * DAY_MS;
    await fillChartHistory(app, from, Math.floor((30 * DAY_MS) / ROUNDS));

    const link = h.config.points.links.get(h.config.server.listeners.find((l) => l.name === 'dtu')!.link)!;
    fleet = await startFleet({
      count: DTUS,
      target: { host: '127.0.0.1', port: h.port('dtu') },
      link,
      profile: h.config.points.profiles.get(FAST_PROFILE)!,
      idFor: (i) => `LOAD${String(i).padStart(4, '0')}`,
      heartbeatIntervalMs: 250,
      connectRate: 400,
    });
    await waitFor(() => pollCounters(app).polls >= DTUS * 2, 20_000, 'every DTU polled');
    let missed = 0;
    app.bus.on('heartbeat.missed', () => missed++);
    const before = pollCounters(app);
    const heartbeatTimeouts = app.gateway.counters.heartbeatTimeouts;

    const viewer = await caller(h, 'viewer');
    const url = `${h.webUrl()}/api/devices/${CHART_DEVICE}/series?points=${CHART_POINTS.join(',')}&from=${from}&to=${to + 1}`;
    let charts = 0;
    const ends = Date.now() + LOAD_MS;
    while (charts === 0 || Date.now() < ends) {
      const res = await fetch(url, { headers: { authorization: viewer.bearer } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        tier: string;
        series: { buckets: { count: number }[] }[];
      };
      // The whole range, every sample counted: hour rollups in the middle, minutes and raw at the ends.
      expect(body.tier).toBe('hour');
      expect(body.series.map((s) => s.buckets.reduce((n, b) => n + b.count, 0))).toEqual(
        CHART_POINTS.map(() => ROUNDS),
      );
      charts++;
    }

    const after = pollCounters(app);
    expect({
      skippedOverrun: after.skippedOverrun - before.skippedOverrun,
      timeouts: after.timeouts - before.timeouts,
      pollTimeouts: after.pollTimeouts - before.pollTimeouts,
      missedHeartbeats: missed,
      heartbeatTimeouts: app.gateway.counters.heartbeatTimeouts - heartbeatTimeouts,
      disconnected: DTUS - fleet.stats().connected,
    }).toEqual({
      skippedOverrun: 0,
      timeouts: 0,
      pollTimeouts: 0,
      missedHeartbeats: 0,
      heartbeatTimeouts: 0,
      disconnected: 0,
    });
    expect(after.polls - before.polls).toBeGreaterThan(0);
    expect(charts).toBeGreaterThan(0);
  }, 90_000);
});
