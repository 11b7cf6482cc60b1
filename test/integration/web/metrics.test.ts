// GET /metrics against the real app: simulated DTUs make traffic (polls, a bad CRC, a silent
// slave, exception answers, a refused registration), and the scrape, read by an independent
// Prometheus text parser, says what happened. Then the two ways of serving and their auth,
// and a northbound sink's series through a broker outage.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { gatewayTests, removeDir, waitFor, type Harness } from '../../helpers/app-harness.js';
import { startPrivateBroker, type PrivateBroker } from '../../helpers/mosquitto.js';
import { scrape, sample, type Scraped } from '../../helpers/prometheus.js';
import { caller } from '../../helpers/web.js';

const { boot, dtu } = gatewayTests();

const TOKEN = 'scrape-token-0123456789';

/** The example config, except that only DTU-M… IDs are admitted and a silent slave times out fast. */
function admitOnlyDtuM(points: Record<string, any>): void {
  points.links.transparent.unknownIds = 'reject';
  points.devices = [{ pattern: '^DTU-M', profile: 'th-station' }];
  const profile = points.profiles['th-station'];
  profile.timing = { ...profile.timing, responseTimeout: '300ms', retries: 0, quietAfterTimeout: '10ms' };
}

function metricsUrl(h: Harness): string {
  return `${h.webUrl()}/metrics`;
}

describe('GET /metrics on the web port', () => {
  it('counts polls, a bad CRC, timeouts, exceptions and a refused registration as they happened', async () => {
    const h = await boot({
      server: (s) => {
        s.metrics = { token: TOKEN };
      },
      points: admitOnlyDtuM,
    });
    const { counters } = h.app.gateway;
    const good = dtu(h, 'dtu', { id: 'DTU-M1' });
    const crc = dtu(h, 'dtu', { id: 'DTU-M2', corruptCrc: 'once' });
    const silent = dtu(h, 'dtu', { id: 'DTU-M3', silentSlaves: [1] });
    const failing = dtu(h, 'dtu', { id: 'DTU-M4', exceptionCodes: { 1: 2 } });
    const intruder = dtu(h, 'dtu', { id: 'INTRUDER', reconnect: false });
    const sims = [good, crc, silent, failing, intruder];
    await Promise.all(sims.map((s) => s.start()));
    good.sendHeartbeat();
    good.sendHeartbeat();
    await waitFor(
      () =>
        counters.badCrc === 1 &&
        counters.timeouts >= 2 &&
        counters.exceptions >= 1 &&
        counters.rejectedUnknown === 1 &&
        counters.heartbeats === 2 &&
        good.counters.responses >= 3,
      15_000,
      'the traffic of every simulated DTU',
    );
    const live = await scrape(metricsUrl(h), `Bearer ${TOKEN}`);
    expect(live.status).toBe(200);
    expect(live.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(live, 'dtuhub_devices_online')).toBe(4);
    expect(sample(live, 'dtuhub_listener_devices_online', { listener: 'dtu' })).toBe(4);
    expect(sample(live, 'dtuhub_listener_devices_online', { listener: 'typed' })).toBe(0);
    expect(sample(live, 'dtuhub_listener_up', { listener: 'dtu' })).toBe(1);
    expect(sample(live, 'dtuhub_store_state', { state: 'ok' })).toBe(1);
    expect(sample(live, 'dtuhub_store_state', { state: 'spilling' })).toBe(0);

    // Everything quiet: the gateway's totals can no longer move under the comparison.
    await Promise.all(sims.map((s) => s.stop()));
    await waitFor(() => h.app.gateway.registry.connections === 0, 5000, 'every connection closed');
    await h.app.storeDrained();
    const done = await scrape(metricsUrl(h), `Bearer ${TOKEN}`);
    const total = (key: keyof (typeof good)['counters']) => sims.reduce((n, s) => n + s.counters[key], 0);

    expect(sample(done, 'dtuhub_crc_errors_total')).toBe(1);
    expect(sample(done, 'dtuhub_registrations_rejected_total', { reason: 'unknown_id' })).toBe(1);
    expect(sample(done, 'dtuhub_registrations_rejected_total', { reason: 'duplicate_id' })).toBe(0);
    expect(sample(done, 'dtuhub_registrations_total')).toBe(5);
    expect(sample(done, 'dtuhub_connections_accepted_total')).toBe(5);
    expect(sample(done, 'dtuhub_heartbeats_total')).toBe(2);
    expect(sample(done, 'dtuhub_exception_responses_total')).toBe(failing.counters.exceptions);
    const timeouts = sample(done, 'dtuhub_response_timeouts_total');
    expect(timeouts).toBe(counters.timeouts);
    expect(timeouts).toBeGreaterThanOrEqual(2);
    // Each timeout is a request the silent slave let go unanswered.
    expect(timeouts).toBeLessThanOrEqual(silent.counters.ignored);
    expect(sample(done, 'dtuhub_received_bytes_total')).toBe(total('bytesOut'));
    expect(sample(done, 'dtuhub_requests_total')).toBe(counters.requestsSent);
    expect(sample(done, 'dtuhub_requests_total')).toBeGreaterThanOrEqual(total('requests'));
    expect(sample(done, 'dtuhub_devices_online')).toBe(0);
    expect(sample(done, 'dtuhub_listener_connections', { listener: 'dtu' })).toBe(0);

    const stored = sample(done, 'dtuhub_store_rows_written_total');
    expect(stored).toBe(h.app.storeHealth().writer.rowsWritten);
    expect(stored).toBeGreaterThan(0);
    expect(sample(done, 'dtuhub_store_backlog_rows')).toBe(0);
    expect(sample(done, 'dtuhub_store_rows_dropped_total')).toBe(0);
    expect(sample(done, 'dtuhub_webhook_dead_letters_total')).toBe(0);
    expect(done.families.get('dtuhub_channels')?.metrics).toHaveLength(6);
    expect(done.families.get('dtuhub_crc_errors_total')?.type).toBe('COUNTER');
    expect(done.families.get('dtuhub_store_backlog_rows')?.type).toBe('GAUGE');
    // prom-client's process and event-loop metrics come along.
    expect(sample(done, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(done, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    // Five DTUs and two scrapes on a shared machine: more room than the default 30 s.
  }, 60_000);

  it('answers 401 without a credential or with a wrong one, 200 with the token or an API token', async () => {
    const h = await boot({ server: (s) => (s.metrics = { token: TOKEN }) });
    const statuses = async (...authorizations: (string | undefined)[]): Promise<number[]> =>
      Promise.all(authorizations.map(async (a) => (await scrape(metricsUrl(h), a)).status));
    expect(await statuses(undefined, 'Bearer not-the-scrape-token', `Basic ${TOKEN}`, 'Bearer dth_unknown')).toEqual([
      401, 401, 401, 401,
    ]);
    const viewer = await caller(h, 'viewer');
    expect(await statuses(`Bearer ${TOKEN}`, viewer.bearer)).toEqual([200, 200]);
  });

  it('takes only API tokens when no metrics token is set', async () => {
    const h = await boot();
    const viewer = await caller(h, 'viewer');
    expect((await scrape(metricsUrl(h), 'Bearer some-guess-at-a-token')).status).toBe(401);
    const ok: Scraped = await scrape(metricsUrl(h), viewer.bearer);
    expect(ok.status).toBe(200);
    expect(sample(ok, 'dtuhub_connections_accepted_total')).toBe(0);
  });
});

describe('metrics.listen', () => {
  it('serves metrics on an address of their own without the web server, open or behind the token', async () => {
    const h = await boot({
      server: (s) => {
        s.web.enabled = false;
        s.metrics = { listen: { host: '127.0.0.1', port: 0 } };
      },
    });
    const port = h.app.metricsServer?.port;
    expect(port).toBeGreaterThan(0);
    const base = `http://127.0.0.1:${port}`;
    const sim = dtu(h, 'dtu', { id: 'DTU-L1' });
    await sim.start();
    await waitFor(() => h.app.gateway.counters.responses >= 1, 10_000, 'a poll answered');
    const open = await scrape(`${base}/metrics`);
    expect(open.status).toBe(200);
    expect(sample(open, 'dtuhub_devices_online')).toBe(1);
    expect(sample(open, 'dtuhub_responses_total')).toBeGreaterThanOrEqual(1);
    expect((await fetch(`${base}/elsewhere`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('asks for the token there when one is set, and leaves /metrics off the web port', async () => {
    const h = await boot({ server: (s) => (s.metrics = { token: TOKEN, listen: { host: '127.0.0.1', port: 0 } }) });
    const base = `http://127.0.0.1:${h.app.metricsServer!.port}`;
    const refused = await fetch(`${base}/metrics`);
    expect([refused.status, refused.headers.get('www-authenticate')]).toEqual([401, 'Bearer realm="dtuhub metrics"']);
    expect((await scrape(`${base}/metrics`, 'Bearer wrong-token-0123456789')).status).toBe(401);
    expect((await scrape(`${base}/metrics`, `Bearer ${TOKEN}`)).status).toBe(200);
    const web = await fetch(metricsUrl(h), { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(web.headers.get('content-type')).not.toMatch(/^text\/plain; version=0\.0\.4/);
  });
});

describe('sink metrics', () => {
  let broker: PrivateBroker | null = null;
  let spillDir: string | null = null;
  afterEach(async () => {
    await broker?.dispose();
    broker = null;
    if (spillDir) removeDir(spillDir);
    spillDir = null;
  });

  it('publish a sink’s state, backlog, lag and row totals as its status has them, through an outage', async () => {
    broker = await startPrivateBroker();
    const dir = (spillDir = mkdtempSync(join(tmpdir(), 'dtuhub-sink-metrics-')));
    const h = await boot({
      server: (s) => {
        s.metrics = { token: TOKEN };
        s.sinks = [
          {
            name: 'north',
            type: 'mqtt',
            queue: { flushInterval: '100ms' },
            spill: { dir, retryMin: '200ms', retryMax: '500ms' },
            mqtt: { url: broker!.url, reconnect: '200ms', connectTimeout: '1s' },
          },
        ];
      },
      points: (p) => {
        const profile = p.profiles['th-station'];
        for (const task of profile.tasks) if (task.every) task.every = '300ms';
      },
    });
    const sink = () => h.app.sinks.get('north').status();
    const read = () => scrape(metricsUrl(h), `Bearer ${TOKEN}`);
    const sim = dtu(h, 'dtu', { id: 'DTU-S1' });
    await sim.start();
    await waitFor(() => sink().counters.sent > 0, 15_000, 'rows sent to the broker');
    const live = await read();
    expect(sample(live, 'dtuhub_sink_state', { sink: 'north', state: 'ok' })).toBe(1);
    expect(sample(live, 'dtuhub_sink_state', { sink: 'north', state: 'spilling' })).toBe(0);
    expect(live.families.get('dtuhub_sink_state')?.metrics).toHaveLength(4);
    expect(live.families.get('dtuhub_sink_rows_sent_total')?.type).toBe('COUNTER');
    expect(live.families.get('dtuhub_sink_backlog_rows')?.type).toBe('GAUGE');

    // The broker goes away: batches are journaled, the state and the journal show it.
    await broker.stop();
    await waitFor(() => sink().state === 'spilling' && sink().rowsOnDisk > 0, 15_000, 'the sink spilling');
    const away = await read();
    expect(sample(away, 'dtuhub_sink_state', { sink: 'north', state: 'spilling' })).toBe(1);
    expect(sample(away, 'dtuhub_sink_state', { sink: 'north', state: 'ok' })).toBe(0);
    expect(sample(away, 'dtuhub_sink_spill_rows', { sink: 'north' })).toBeGreaterThan(0);
    expect(sample(away, 'dtuhub_sink_spill_bytes', { sink: 'north' })).toBeGreaterThan(0);
    expect(sample(away, 'dtuhub_sink_rows_spilled_total', { sink: 'north' })).toBeGreaterThan(0);
    expect(sample(away, 'dtuhub_sink_lag_seconds', { sink: 'north' })).toBeGreaterThan(0);

    // Back, and the DTU quiet: the journal replays, then nothing moves under the comparison.
    await broker.restart();
    await sim.stop();
    await waitFor(() => sink().state === 'ok' && sink().rowsOnDisk === 0, 20_000, 'the journal replayed');
    await h.app.sinks.get('north').drained();
    const status = sink();
    const done = await read();
    const labels = { sink: 'north' };
    expect(sample(done, 'dtuhub_sink_state', { sink: 'north', state: 'ok' })).toBe(1);
    expect(sample(done, 'dtuhub_sink_rows_accepted_total', labels)).toBe(status.counters.accepted);
    expect(sample(done, 'dtuhub_sink_rows_sent_total', labels)).toBe(status.counters.sent);
    expect(sample(done, 'dtuhub_sink_rows_spilled_total', labels)).toBe(status.counters.spilled);
    expect(sample(done, 'dtuhub_sink_rows_replayed_total', labels)).toBe(status.counters.replayed);
    expect(status.counters.replayed).toBeGreaterThan(0);
    // Nothing lost: every row accepted was sent, directly or replayed.
    expect(status.counters.sent).toBe(status.counters.accepted);
    expect(sample(done, 'dtuhub_sink_rows_dropped_total', labels)).toBe(0);
    expect(sample(done, 'dtuhub_sink_rows_rejected_total', labels)).toBe(0);
    expect(sample(done, 'dtuhub_sink_restarts_total', labels)).toBe(0);
    expect(sample(done, 'dtuhub_sink_backlog_rows', labels)).toBe(0);
    expect(sample(done, 'dtuhub_sink_spill_rows', labels)).toBe(0);
    expect(sample(done, 'dtuhub_sink_lag_seconds', labels)).toBe(0);
  }, 90_000);
});
