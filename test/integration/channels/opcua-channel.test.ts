// The OPC UA client channel against a node-opcua server in this process: values of each
// built-in type mapped and stored like DTU data, changes delivered by the subscription, a
// node id the server does not know and a Bad status reported while the rest is stored,
// user/password sessions, and a server that goes away and comes back (backoff, recovery,
// status in the API, channel events).
import { mkdtempSync, readdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../helpers/opcua-quiet.js';
import ua from 'node-opcua-client';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { removeDir, startApp, waitFor, type Harness } from '../../helpers/app-harness.js';
import { channelEvents, dataRows, deviceRow } from '../../helpers/db.js';
import { startOpcuaServer, type OpcuaServerOptions, type OpcuaTestServer } from '../../helpers/opcua-server.js';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy.js';
import { caller, channelStatus } from '../../helpers/web.js';

// One PKI dir for the file: the certificates made by the first test are reused by the others.
const pki = mkdtempSync(join(tmpdir(), 'dtuhub-opcua-pki-'));

let h: Harness | null = null;
let peer: OpcuaTestServer | null = null;
let proxy: TcpProxy | null = null;

afterEach(async () => {
  await h?.stop();
  if (h) removeDir(h.dir);
  h = null;
  await peer?.stop().catch(() => undefined);
  peer = null;
  await proxy?.close();
  proxy = null;
});

afterAll(() => removeDir(pki));

function serve(options: Partial<OpcuaServerOptions> = {}): Promise<OpcuaTestServer> {
  return startOpcuaServer({ pkiDir: join(pki, 'server'), ...options });
}

function channel(endpoint: string, extra: Record<string, unknown> = {}) {
  return {
    name: 'plc',
    type: 'opcua',
    endpoint,
    device: 'UA-01',
    pkiDir: join(pki, 'client'),
    publishingInterval: '100ms',
    connectTimeout: '5s',
    backoff: { initial: '100ms', max: '400ms' },
    items: [
      {
        name: 'temperature',
        nodeId: 'ns=1;s=Temperature',
        samplingInterval: '50ms',
        scale: 0.1,
        decimals: 1,
        unit: '°C',
      },
      { name: 'counter', nodeId: 'ns=1;s=Counter', offset: 100 },
      { name: 'pump_on', nodeId: 'ns=1;s=PumpOn' },
      { name: 'status_text', nodeId: 'ns=1;s=Status' },
      { name: 'energy', nodeId: 'ns=1;s=Energy', scale: 0.001 },
      { name: 'stamp', nodeId: 'ns=1;s=Stamp' },
      { name: 'level', nodeId: 'ns=1;s=Level', samplingInterval: '50ms', decimals: 2 },
    ],
    ...extra,
  };
}

/** The channel as GET /api/channels shows it to an admin. */
async function statusOf(harness: Harness, name: string): Promise<Record<string, any>> {
  return channelStatus(harness, await caller(harness, 'admin'), name);
}

// Generous: certificates are made on first use, and the CI machine is shared.
describe('OPC UA client channel', { timeout: 60_000 }, () => {
  it('stores every item with scale, offset and decimals, at the source time, and follows changes', async () => {
    peer = await serve();
    const before = Date.now();
    h = await startApp({ server: (doc) => (doc.channels = [channel(peer!.endpoint)]) });
    const rows = await waitFor(
      () => {
        const r = dataRows(h!, 'UA-01');
        return r.length >= 7 ? r : null;
      },
      20_000,
      'first values',
    );
    const byPoint = Object.fromEntries(rows.map((r) => [r.point, r]));
    expect(byPoint['temperature']).toMatchObject({
      value: 25.3,
      text: null,
      raw: '253',
      slave: 0,
      address: 0,
      quality: 'good',
    });
    expect(byPoint['counter']).toMatchObject({ value: 58, raw: '-42' });
    expect(byPoint['pump_on']).toMatchObject({ value: 1, raw: 'true' });
    expect(byPoint['status_text']).toMatchObject({ value: null, text: 'running', raw: '"running"' });
    // Int64 [hi 1, lo 5] = 2^32 + 5, exact, then scaled.
    expect(byPoint['energy']).toMatchObject({ value: 4294967.301, raw: '4294967301' });
    expect(byPoint['stamp']).toMatchObject({ value: null, text: '2026-11-22T08:00:00.000Z' });
    expect(byPoint['level']).toMatchObject({ value: 1.5, raw: '1.5' });
    // The sample time is the server's source timestamp: after the test began, not in the future.
    for (const r of rows) expect(r.at).toBeGreaterThanOrEqual(before - 1000);
    expect(deviceRow(h, 'UA-01')).toMatchObject({
      profile: 'opcua',
      status: 'online',
      last_ip: '127.0.0.1',
      last_port: peer.port,
      listener: 'plc',
    });

    peer.set('Level', 2.345);
    await waitFor(
      () => dataRows(h!, 'UA-01').some((r) => r.point === 'level' && r.value === 2.35),
      10_000,
      'changed level',
    );
    // Float 2.345 is 2.3450000286… as a 32-bit float: rounded to the point's 2 decimals like a DTU float register.
    expect(h.app.latest.get('UA-01', 'level')?.value).toBe(2.35);
    const c = await statusOf(h, 'plc');
    expect(c).toMatchObject({
      type: 'opcua',
      state: 'connected',
      target: peer.endpoint,
      devices: ['UA-01'],
      lastError: null,
    });
    expect(c.counters.samples).toBeGreaterThanOrEqual(8);
  });

  it('reports a node id the server does not know and a Bad status, and stores the other items', async () => {
    peer = await serve();
    const config = channel(peer.endpoint);
    config.items = [
      ...config.items.slice(0, 2),
      { name: 'ghost', nodeId: 'ns=1;s=NoSuchNode' },
      ...config.items.slice(6),
    ];
    h = await startApp({ server: (doc) => (doc.channels = [config]) });
    await waitFor(
      async () => {
        const c = await statusOf(h!, 'plc');
        return c.counters.collectErrors >= 1 && /ghost/.test(c.lastError ?? '') ? c : null;
      },
      20_000,
      'item error',
    );
    expect((await statusOf(h, 'plc')).lastError).toBe('ghost: node ns=1;s=NoSuchNode: BadNodeIdUnknown (0x80340000)');
    await waitFor(() => new Set(dataRows(h!, 'UA-01').map((r) => r.point)).size === 3, 10_000, 'the other items');
    expect(new Set(dataRows(h, 'UA-01').map((r) => r.point))).toEqual(new Set(['temperature', 'counter', 'level']));

    // A value the server marks Bad is counted, not stored; the next Good one is stored.
    const errors = (await statusOf(h, 'plc')).counters.collectErrors as number;
    peer.set('Level', 9.75, ua.StatusCodes.BadSensorFailure);
    const failed = await waitFor(
      async () => {
        const c = await statusOf(h!, 'plc');
        return c.counters.collectErrors > errors ? c : null;
      },
      10_000,
      'bad status counted',
    );
    expect(failed.lastError).toBe('level: BadSensorFailure');
    expect(failed.state).toBe('connected');
    peer.set('Level', 3.5);
    await waitFor(
      () => dataRows(h!, 'UA-01').some((r) => r.point === 'level' && r.value === 3.5),
      10_000,
      'good again',
    );
    expect(dataRows(h, 'UA-01').filter((r) => r.value === 9.75)).toEqual([]);
  });

  it('opens a session with user and password; a wrong password fails and backs off', async () => {
    peer = await serve({ user: { name: 'operator', password: 's3cret' } });
    h = await startApp({
      server: (doc) =>
        (doc.channels = [
          channel(peer!.endpoint, { username: 'operator', password: 's3cret' }),
          channel(peer!.endpoint, { name: 'intruder', device: 'UA-02', username: 'operator', password: 'guess' }),
        ]),
    });
    await waitFor(() => dataRows(h!, 'UA-01').length >= 7, 20_000, 'values with the right password');
    const refused = await waitFor(
      async () => {
        const c = await statusOf(h!, 'intruder');
        return c.state === 'backing-off' && c.failures >= 2 ? c : null;
      },
      20_000,
      'wrong password backing off',
    );
    expect(refused.lastError).toBe('user "operator" refused: BadUserAccessDenied (0x801f0000)');
    expect(refused.counters.connectFailures).toBeGreaterThanOrEqual(2);
    expect(dataRows(h, 'UA-02')).toEqual([]);
    // Failed attempts leave nothing open on the server: one session (the right password's);
    // at most one secure channel of an attempt in progress besides its own.
    expect(peer.open().sessions).toBe(1);
    expect(peer.open().channels).toBeLessThanOrEqual(2);
  });

  it('backs off while the server is away, shows it in the API and as events, and recovers by itself', async () => {
    peer = await serve();
    h = await startApp({ server: (doc) => (doc.channels = [channel(peer!.endpoint)]) });
    await waitFor(() => dataRows(h!, 'UA-01').length >= 7, 20_000, 'first values');
    expect(await statusOf(h, 'plc')).toMatchObject({ state: 'connected', devices: ['UA-01'] });

    await peer.stop();
    const away = await waitFor(
      async () => {
        const c = await statusOf(h!, 'plc');
        return c.state === 'backing-off' && c.failures >= 3 ? c : null;
      },
      20_000,
      'three failed attempts',
    );
    expect(away.lastError).toMatch(/ECONNREFUSED/);
    expect(away.devices).toEqual([]);
    expect(away.counters.disconnects).toBe(1);
    await waitFor(() => deviceRow(h!, 'UA-01')?.['status'] === 'offline', 5000, 'device offline');

    const before = dataRows(h, 'UA-01').length;
    peer.set('Level', 4.25);
    await peer.restart();
    await waitFor(async () => (await statusOf(h!, 'plc')).state === 'connected', 20_000, 'reconnect');
    await waitFor(() => dataRows(h!, 'UA-01').length > before, 10_000, 'new rows');
    expect(dataRows(h, 'UA-01').some((r) => r.point === 'level' && r.value === 4.25)).toBe(true);
    expect((await statusOf(h, 'plc')).failures).toBe(0);

    await h.app.storeDrained();
    await waitFor(() => channelEvents(h!).filter((e) => e.type === 'channel.connected').length >= 2, 10_000, 'events');
    const events = channelEvents(h);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('channel.connected');
    expect(types).toContain('channel.disconnected');
    expect(types).toContain('channel.failed');
    const retries = events.filter((e) => e.type === 'channel.backoff').map((e) => e.payload['retryInMs']);
    expect(retries.slice(0, 3)).toEqual([100, 200, 400]);
    expect(events.at(-1)).toMatchObject({
      type: 'channel.connected',
      payload: { channel: 'plc', channelType: 'opcua' },
    });
  });

  it('refuses an unknown server certificate until the operator trusts it, then connects by itself', async () => {
    peer = await serve();
    const pkiDir = join(pki, 'client-secure');
    h = await startApp({
      server: (doc) =>
        (doc.channels = [
          // The RSA handshake of both ends shares this process: on a loaded CI machine it can
          // take longer than the other tests' 5 s, and every attempt would time out.
          channel(peer!.endpoint, {
            securityMode: 'SignAndEncrypt',
            securityPolicy: 'Basic256Sha256',
            pkiDir,
            connectTimeout: '20s',
          }),
        ]),
    });
    const refused = await waitFor(
      async () => {
        const c = await statusOf(h!, 'plc');
        return c.state === 'backing-off' ? c : null;
      },
      30_000,
      'untrusted server refused',
    );
    expect(refused.lastError).toContain(`move its certificate from ${pkiDir}/rejected to ${pkiDir}/trusted/certs`);
    expect(dataRows(h, 'UA-01')).toEqual([]);

    // The trust step an operator takes: the rejected server certificate is moved (a copy left
    // in rejected/ still counts as rejected) to trusted/certs.
    const rejected = readdirSync(join(pkiDir, 'rejected')).filter((f) => f.endsWith('.pem') || f.endsWith('.der'));
    expect(rejected).toHaveLength(1);
    renameSync(join(pkiDir, 'rejected', rejected[0]!), join(pkiDir, 'trusted', 'certs', rejected[0]!));
    await waitFor(() => dataRows(h!, 'UA-01').length >= 7, 60_000, 'values over SignAndEncrypt').catch(
      async (err: Error) => {
        throw new Error(`${err.message}; the channel: ${JSON.stringify(await statusOf(h!, 'plc'))}`);
      },
    );
    expect(await statusOf(h, 'plc')).toMatchObject({ state: 'connected', failures: 0 });
  }, 120_000);

  it('drops a server that goes silent without closing the connection, after missed keep-alives', async () => {
    peer = await serve();
    proxy = await startTcpProxy({ host: '127.0.0.1', port: peer.port });
    // Publishing every 100 ms with a keep-alive every 10 cycles: silence longer than 3 s is a lost link.
    h = await startApp({
      server: (doc) => (doc.channels = [channel(`opc.tcp://127.0.0.1:${proxy!.port}`, { connectTimeout: '2s' })]),
    });
    await waitFor(() => dataRows(h!, 'UA-01').length >= 7, 30_000, 'first values');

    proxy.blackhole();
    await waitFor(
      async () => {
        const c = await statusOf(h!, 'plc');
        return c.counters.disconnects >= 1 ? c : null;
      },
      20_000,
      'silence noticed',
    );
    await h.app.storeDrained();
    const dropped = await waitFor(
      () => channelEvents(h!).find((e) => e.type === 'channel.disconnected'),
      5000,
      'disconnect event',
    );
    expect(dropped.payload['error']).toBe('no keep-alive from the server for 3 s');
    await waitFor(() => deviceRow(h!, 'UA-01')?.['status'] === 'offline', 5000, 'device offline');
    // Attempts through the silent network time out rather than hang.
    await waitFor(
      async () => /no connection within 2000 ms/.test((await statusOf(h!, 'plc')).lastError ?? ''),
      20_000,
      'connect timeout',
    );

    proxy.restore();
    await waitFor(async () => (await statusOf(h!, 'plc')).state === 'connected', 30_000, 'reconnect');
    // The new subscription sends the current values again, at their unchanged source times
    // (the same samples, not stored twice); a change shows the data flowing again.
    peer.set('Level', 6.5);
    await waitFor(() => dataRows(h!, 'UA-01').some((r) => r.point === 'level' && r.value === 6.5), 10_000, 'new value');
  });

  it('closes its session on stop and opens a new one on start (supervision API)', async () => {
    peer = await serve();
    h = await startApp({ server: (doc) => (doc.channels = [channel(peer!.endpoint)]) });
    await waitFor(() => dataRows(h!, 'UA-01').length >= 7, 30_000, 'first values');
    expect(peer.open()).toEqual({ sessions: 1, channels: 1 });
    const admin = await caller(h, 'admin');
    const post = (action: string) =>
      fetch(`${h!.webUrl()}/api/channels/plc/${action}`, { method: 'POST', headers: { cookie: admin.cookie } });

    expect((await post('stop')).status).toBe(200);
    // Closed politely: the server has no session or channel left from dtuhub.
    await waitFor(() => peer!.open().channels === 0, 10_000, 'channel closed on the server');
    expect(peer.open()).toEqual({ sessions: 0, channels: 0 });
    await waitFor(() => deviceRow(h!, 'UA-01')?.['status'] === 'offline', 5000, 'device offline');

    expect((await post('start')).status).toBe(200);
    await waitFor(async () => (await statusOf(h!, 'plc')).state === 'connected', 20_000, 'started');
    peer.set('Level', 7.25);
    await waitFor(
      () => dataRows(h!, 'UA-01').some((r) => r.point === 'level' && r.value === 7.25),
      10_000,
      'values after start',
    );
    expect(peer.open()).toEqual({ sessions: 1, channels: 1 });
  });
});
