// The live-viewers scenario's part of docs/BENCHMARKS.md: its goals and its table.
import { LIVE_VIEWERS_GOALS, type LiveViewersResult } from './live-viewers-scenario.js';
import { met, mib, ms, num, table } from './report-format.js';

const MIB = 1024 * 1024;

const label = 'live';

export function liveViewersGoalRows(r: LiveViewersResult): string[][] {
  const { loopDelayMs } = r.loop;
  const g = r.gateway;
  const failures = g.skippedOverrun + g.pollTimeouts + g.heartbeatTimeouts;
  return [
    [
      label,
      'event-loop delay p99, 200 hostile viewers, 1,000 DTUs × 1 s',
      `≤ ${LIVE_VIEWERS_GOALS.loopDelayP99Ms} ms`,
      ms(loopDelayMs.p99),
      met(loopDelayMs.p99 <= LIVE_VIEWERS_GOALS.loopDelayP99Ms),
    ],
    [
      label,
      'event-loop delay max, the same',
      `≤ ${LIVE_VIEWERS_GOALS.loopDelayMaxMs} ms`,
      ms(loopDelayMs.max),
      met(loopDelayMs.max <= LIVE_VIEWERS_GOALS.loopDelayMaxMs),
    ],
    [label, 'skipped or timed-out polls, missed heartbeats', '0', num(failures), met(failures === 0)],
    [
      label,
      'RSS growth over the run (start → peak)',
      `≤ ${LIVE_VIEWERS_GOALS.rssGrowthMiB} MiB`,
      mib(r.loop.rssPeakBytes - r.loop.rssStartBytes),
      met(r.loop.rssPeakBytes - r.loop.rssStartBytes <= LIVE_VIEWERS_GOALS.rssGrowthMiB * MIB),
    ],
  ];
}

export function liveViewersSection(r: LiveViewersResult): string {
  const { spec, loop, gateway: g, viewers: v, health } = r;
  const closed = Object.entries(v.closedByServer)
    .map(([code, count]) => `${num(count)} with ${code}`)
    .join(', ');
  const rows: string[][] = [
    [
      'Event-loop delay p50 / p99 / max / mean',
      `${ms(loop.loopDelayMs.p50)} / ${ms(loop.loopDelayMs.p99)} / ${ms(loop.loopDelayMs.max)} / ${ms(loop.loopDelayMs.mean)}`,
    ],
    [
      'The same in an idle thread of that process (what the machine took)',
      `${ms(loop.controlDelayMs.p50)} / ${ms(loop.controlDelayMs.p99)} / ${ms(loop.controlDelayMs.max)} / ${ms(loop.controlDelayMs.mean)}`,
    ],
    [
      'Main thread over the run: on a CPU / runnable but waiting for one (the machine’s other work)',
      loop.mainThread ? `${ms(loop.mainThread.runMs)} / ${ms(loop.mainThread.waitMs)}` : 'not measured',
    ],
    [
      '`GET /api/health` p99 / max, read every 100 ms by the runner',
      `${ms(health.p99Ms)} / ${ms(health.maxMs)} (${num(health.requests)} requests, ${num(health.failed)} failed)`,
    ],
    [
      'RSS at the start / peak / end',
      `${mib(loop.rssStartBytes)} / ${mib(loop.rssPeakBytes)} / ${mib(loop.rssEndBytes)}`,
    ],
    [
      'Polls / skipped / timed out; heartbeat timeouts',
      `${num(g.polls)} / ${num(g.skippedOverrun)} / ${num(g.pollTimeouts)}; ${num(g.heartbeatTimeouts)}`,
    ],
    ['DTUs online at the end', `${num(g.online)} of ${num(spec.dtus)} (fleet: ${num(r.fleetConnected)} connected)`],
    ['Viewers connected; closed by the server', `${num(v.connected)} of ${num(spec.viewers)}; ${closed || 'none'}`],
    [
      'Subscriptions sent; refused (`RATE_LIMITED`)',
      `${num(v.subscribesSent)}; ${num(v.rateLimited)} (other errors: ${num(v.otherErrors)})`,
    ],
    ['Device snapshots received', num(v.deviceSnapshots)],
    [
      'Fleet re-subscriptions answered: whole snapshots (pages) / deltas',
      `${num(v.fleetSnapshots)} (${num(v.fleetPages)}) / ${num(v.fleetDeltas)}`,
    ],
    [
      'Frames received by the viewers (data frames); bytes; largest frame',
      `${num(v.framesReceived)} (${num(v.dataFrames)}); ${mib(v.bytesReceived)}; ${num(v.largestFrame)} B`,
    ],
    [
      'CPU over the run: server process (every thread) / viewers process',
      `${num(loop.cpuMs / loop.elapsedMs, 2)} / ${num(v.cpuMs / v.elapsedMs, 2)} cores`,
    ],
  ];
  return `## Live viewers: ${num(spec.viewers)} hostile WebSocket viewers, ${num(spec.dtus)} DTUs × ${num(spec.pollEveryMs / 1000)} s

Issue 23. \`bench/live-viewers-scenario.ts\`: the dtuhub app (\`bench/live-viewers-server-proc.ts\`,
a profile of two points per DTU) with ${num(spec.dtus)} simulated DTUs (\`fleet-proc.ts\`) polled every
${num(spec.pollEveryMs)} ms. Once every DTU has been polled twice, \`bench/live-viewers-proc.ts\` opens
${num(spec.viewers)} WebSockets to \`/api/live\`, each its own user (so per-user budgets limit nobody),
each subscribing to the fleet and ${num(spec.topicsPerViewer)} devices, then unsubscribing and
re-subscribing the fleet as soon as it is answered, for ${num(spec.loadMs / 1000)} s (at most
${num(spec.maxFleetRounds)} rounds a viewer); a refused subscription is retried after the
\`retryAfterMs\` it came with. The event-loop delay is \`perf_hooks.monitorEventLoopDelay\` (10 ms
resolution: an idle loop reads about 10 ms) inside the server's process over that run; an idle
thread of that process measures its own loop the same way, so what the machine's other work
took can be told from what the server did, and Linux's scheduler statistics give the time the main
thread was runnable but waited for a CPU (an idle thread is woken first, a busy one waits its turn).
RSS is sampled there every 250 ms. Goals: p99 ≤ ${LIVE_VIEWERS_GOALS.loopDelayP99Ms} ms, max ≤ ${LIVE_VIEWERS_GOALS.loopDelayMaxMs} ms, no skipped poll, RSS
growth ≤ ${LIVE_VIEWERS_GOALS.rssGrowthMiB} MiB.
\`npm run bench -- --only live\` runs it alone (about a minute); \`test/integration/web/live-viewers-load.test.ts\`
runs the same with the server in the test's process.

${table(['Figure', 'Value'], rows)}`;
}
