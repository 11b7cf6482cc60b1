// Issue 23: hostile live-feed viewers must not stall the server. 1,000 simulated DTUs polled
// every second over real sockets; 200 WebSocket viewers (each its own login) subscribe to the
// fleet and 199 devices each, then unsubscribe and re-subscribe the fleet as fast as the
// server answers. The server runs in this process, so the event-loop delay measured here is
// its own; the fleet and the viewers run in processes of their own (compiled by
// `npm run build`, which `npm test` runs first). The loop must stay responsive, no poll may
// be skipped, and memory must stay bounded. `npm run bench -- --only live` runs the same.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  inProcessServer,
  LIVE_VIEWERS_GOALS,
  LIVE_VIEWERS_SPEC,
  runLiveViewersScenario,
} from '../../../bench/live-viewers-scenario.js';

const SCRIPTS = new URL('../../../dist/bench/', import.meta.url).pathname;
const MIB = 1024 * 1024;
/** Loop delay that means a stall even on a machine busy with other tests. */
const STALL_P99_MS = 12 * LIVE_VIEWERS_GOALS.loopDelayP99Ms;
const STALL_MAX_MS = 10 * LIVE_VIEWERS_GOALS.loopDelayMaxMs;

describe('hostile live-feed viewers while 1,000 DTUs are polled every second', () => {
  it('keep the event loop responsive, skip no poll and stay within memory', async () => {
    if (!existsSync(`${SCRIPTS}live-viewers-proc.js`)) throw new Error(`no ${SCRIPTS}: run npm run build first`);
    const r = await runLiveViewersScenario(LIVE_VIEWERS_SPEC, { startServer: inProcessServer, scriptsDir: SCRIPTS });
    const { spec, loop, gateway, viewers } = r;
    // The figures, for whoever reads a failure; `loop.controlDelayMs` is an idle thread's
    // loop over the same window: delay there is the machine's, not the server's.
    console.log(JSON.stringify({ loop, gateway, viewers, health: r.health }, null, 1));

    expect(viewers.connected).toBe(spec.viewers);
    expect(viewers.closedByServer).toEqual({});
    // Viewers are served, not only refused: nearly every device snapshot came (the last ones may still be on their way).
    expect(viewers.deviceSnapshots).toBeGreaterThan(0.9 * spec.viewers * spec.topicsPerViewer);
    expect(viewers.fleetRounds).toBeGreaterThan(spec.viewers);
    // The goals (p99 20 ms, max 100 ms) are checked on a quiet machine by
    // `npm run bench -- --only live`. Here other test files share the two cores and slow
    // every thread, so the test only guards against the stall itself: before the budgets
    // the viewers froze the loop for 13-14 s. An idle thread's delay over the same window is
    // allowed on top.
    const control = loop.controlDelayMs;
    expect(loop.loopDelayMs.p99).toBeLessThanOrEqual(STALL_P99_MS + control.p99);
    expect(loop.loopDelayMs.max).toBeLessThanOrEqual(STALL_MAX_MS + control.max);
    expect({
      online: gateway.online,
      fleetConnected: r.fleetConnected,
      skippedOverrun: gateway.skippedOverrun,
      pollTimeouts: gateway.pollTimeouts,
      heartbeatTimeouts: gateway.heartbeatTimeouts,
    }).toEqual({
      online: spec.dtus,
      fleetConnected: spec.dtus,
      skippedOverrun: 0,
      pollTimeouts: 0,
      heartbeatTimeouts: 0,
    });
    expect(gateway.polls).toBeGreaterThan(0);
    expect(loop.rssPeakBytes - loop.rssStartBytes).toBeLessThan(LIVE_VIEWERS_GOALS.rssGrowthMiB * MIB);
  }, 90_000);
});
