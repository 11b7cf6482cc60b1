// The InfluxDB sink end to end: the real app, simulated DTUs, and a local receiver that
// implements InfluxDB's v2 and v1 write endpoints and parses what arrives with a published
// line protocol parser. Samples arrive with their tags, fields and times; an outage is
// spilled and replayed in order with nothing lost; a 400 is set aside once, never retried.
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { SinkStatus } from '../../../src/domain/sinks.js';
import { gatewayTests, removeDir, waitFor, type Harness } from '../../helpers/app-harness.js';
import { FAST_PROFILE, fastProfile, fastRegisters } from '../../helpers/fast-profile.js';
import { InfluxReceiver } from '../../helpers/influx-receiver.js';

const { boot, dtu } = gatewayTests();
const spillRoot = mkdtempSync(join(tmpdir(), 'dtuhub-influx-sink-'));
let receiver: InfluxReceiver | null = null;
afterEach(async () => {
  await receiver?.down();
  receiver = null;
});
afterAll(() => removeDir(spillRoot));

type Influx = Record<string, unknown>;

function withSink(name: string, influxdb: Influx, extra: Record<string, unknown> = {}) {
  return (s: Record<string, any>) => {
    s.sinks = [
      {
        name,
        type: 'influxdb',
        queue: { maxRows: 200, flushInterval: '100ms' },
        spill: { dir: join(spillRoot, name), writeTimeout: '2s', retryMin: '100ms', retryMax: '300ms' },
        influxdb: { timeout: '2s', ...influxdb },
        ...extra,
      },
    ];
  };
}

function status(h: Harness, name: string): SinkStatus {
  return h.app.sinks.list().find((s) => s.name === name)!;
}

/** Every (device, time) the app decoded, from the bus, in the order polled. */
function recordPolls(h: Harness): { device: string; ts: number; values: Record<string, number> }[] {
  const polls: { device: string; ts: number; values: Record<string, number> }[] = [];
  h.app.bus.on('data', (e) => {
    const values: Record<string, number> = {};
    for (const s of e.samples) values[s.point] = s.value!;
    polls.push({ device: e.deviceId, ts: e.samples[0]!.ts, values });
  });
  return polls;
}

describe('InfluxDB sink', () => {
  it(
    'writes every polled sample to the v2 endpoint, gzipped, with tags, fields and ms times',
    { timeout: 60_000 },
    async () => {
      receiver = new InfluxReceiver();
      await receiver.start();
      const h = await boot({
        server: withSink('influx', { url: receiver.url, org: 'plant', bucket: 'dtu', token: 't0ken' }),
        points: fastProfile,
      });
      const polls = recordPolls(h);
      const sim = dtu(h, 'dtu', { id: 'ST-1' }, FAST_PROFILE);
      sim.setRegisters(1, 3, 0, fastRegisters(1));
      await sim.start();
      await waitFor(() => receiver!.lines.length >= 5, 10_000, 'five lines');
      const request = receiver.requests[0]!;
      expect(request.path).toBe('/api/v2/write');
      expect(request.query).toEqual({ org: 'plant', bucket: 'dtu', precision: 'ms' });
      expect(request.headers['authorization']).toBe('Token t0ken');
      expect(request.headers['content-encoding']).toBe('gzip');
      const line = receiver.lines[0]!;
      expect(line.measurement).toBe(FAST_PROFILE);
      expect(line.tags).toEqual({ device: 'ST-1', profile: FAST_PROFILE });
      expect(line.fields).toEqual(Object.fromEntries(fastRegisters(1).map((v, i) => [`p${i}`, v])));
      expect(line.timestamp).toBe(polls[0]!.ts);
      expect(Number.isInteger(line.timestamp)).toBe(true);
      expect(status(h, 'influx')).toMatchObject({
        state: 'ok',
        lastError: null,
        target: expect.stringContaining('v2 plant/dtu'),
      });
    },
  );

  it('spills while the v1 server is away and replays in order, losing nothing', { timeout: 60_000 }, async () => {
    receiver = new InfluxReceiver();
    await receiver.start();
    const h = await boot({
      server: withSink('legacy', {
        url: receiver.url,
        api: 'v1',
        database: 'plant',
        retentionPolicy: 'autogen',
        username: 'writer',
        password: 'pw',
        gzip: false,
      }),
      points: fastProfile,
    });
    const polls = recordPolls(h);
    const sim = dtu(h, 'dtu', { id: 'ST-2' }, FAST_PROFILE);
    sim.setRegisters(1, 3, 0, fastRegisters(2));
    await sim.start();
    await waitFor(() => receiver!.lines.length >= 3, 10_000, 'lines before the outage');
    const request = receiver.requests[0]!;
    expect(request.path).toBe('/write');
    expect(request.query).toEqual({ db: 'plant', rp: 'autogen', precision: 'ms' });
    expect(request.headers['authorization']).toBe(`Basic ${Buffer.from('writer:pw').toString('base64')}`);
    expect(request.headers['content-encoding']).toBeUndefined();

    await receiver.down();
    await waitFor(() => status(h, 'legacy').rowsOnDisk > 0, 10_000, 'rows journaled');
    const pollsAtOutage = polls.length;
    await waitFor(() => polls.length >= pollsAtOutage + 10, 10_000, 'polls during the outage');
    expect(status(h, 'legacy').state).toBe('spilling');
    expect(status(h, 'legacy').lastError).toMatch(/unreachable|ECONNREFUSED/);
    await receiver.up();
    await waitFor(() => status(h, 'legacy').state === 'ok', 20_000, 'the journal replayed');

    // Everything polled up to now arrived; times first seen in the order polled.
    const polled = polls.slice();
    await h.app.sinks.get('legacy').drained();
    const seen = new Map<number, Record<string, unknown>>();
    const order: number[] = [];
    for (const l of receiver.lines) {
      expect(l.tags['device']).toBe('ST-2');
      if (!seen.has(l.timestamp)) order.push(l.timestamp);
      seen.set(l.timestamp, l.fields);
    }
    for (const p of polled) expect(seen.get(p.ts), `poll at ${p.ts}`).toEqual(p.values);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    const after = status(h, 'legacy');
    expect(after.counters.spilled).toBeGreaterThan(0);
    expect(after.counters.replayed).toBe(after.counters.spilled);
    expect(after.counters.dropped).toBe(0);
    expect(after.rowsOnDisk).toBe(0);
  });

  it('sets a batch the server refuses with 400 aside once and carries on', { timeout: 60_000 }, async () => {
    receiver = new InfluxReceiver();
    await receiver.start();
    const h = await boot({
      server: withSink('strict', { url: receiver.url, bucket: 'dtu' }),
      points: fastProfile,
    });
    const sim = dtu(h, 'dtu', { id: 'ST-3' }, FAST_PROFILE);
    sim.setRegisters(1, 3, 0, fastRegisters(3));
    receiver.refuseNext(400, 'partial write: field type conflict');
    await sim.start();
    await waitFor(() => receiver!.lines.length >= 5, 10_000, 'lines after the refusal');
    const refused = receiver.requests.filter((r) => r.status === 400);
    expect(refused).toHaveLength(1);
    // The refused lines never came again.
    const accepted = new Set(receiver.lines.map((l) => l.text));
    for (const line of refused[0]!.lines) expect(accepted.has(line)).toBe(false);
    const s = status(h, 'strict');
    expect(s.counters.rejected).toBeGreaterThan(0);
    expect(s.counters.dropped).toBe(s.counters.rejected);
    expect(s.state).toBe('ok');
    expect(existsSync(join(spillRoot, 'strict', 'rejected'))).toBe(true);
    expect(readdirSync(join(spillRoot, 'strict', 'rejected'))).toHaveLength(1);
  });
});
