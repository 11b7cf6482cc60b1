// server.yml `channels:`: each type's fields with defaults, keys that do not fit the type,
// required fields, names shared with listeners, references into points.yml, URLs and
// topic filters — every problem at once, with line and field.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/errors.js';
import { loadConfig } from '../../../src/config/load.js';
import { MINIMAL_POINTS, withConfigDir } from './temp-config.js';

const SERVER = (channels: string) => `version: 1
listeners:
  - { name: dtu, port: 22334, link: transparent }
channels:
${channels}`;

function load(server: string, env: Record<string, string> = {}, points = MINIMAL_POINTS) {
  return withConfigDir({ server, points }, (dir) => loadConfig(dir, env));
}

function issues(server: string, points = MINIMAL_POINTS): string[] {
  try {
    load(server, {}, points);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => `${i.line}:${i.field}: ${i.message}`);
    throw err;
  }
  return [];
}

describe('channels config', () => {
  it('compiles an HTTP channel with defaults and mapped points', () => {
    const { server } = load(
      SERVER(`  - name: weather
    type: http
    url: https://api.example.test/v1/station
    headers: { authorization: "Bearer \${TOKEN}", x-station: 7 }
    device: WX-01
    timestamp: meta.time
    points:
      - { name: temperature, path: "data.values[0].t", scale: 0.1, decimals: 1, unit: "°C" }
      - { name: wind, path: data.wind }`),
      { TOKEN: 's3cret' },
    );
    expect(server.channels).toEqual([
      {
        name: 'weather',
        type: 'http',
        enabled: true,
        backoff: { initialMs: 1000, maxMs: 300_000 },
        url: 'https://api.example.test/v1/station',
        method: 'GET',
        headers: { authorization: 'Bearer s3cret', 'x-station': '7' },
        body: null,
        everyMs: 30_000,
        timeoutMs: 10_000,
        tls: null,
        device: 'WX-01',
        timestamp: { path: ['meta', 'time'], pathText: 'meta.time' },
        points: [
          {
            name: 'temperature',
            path: ['data', 'values', 0, 't'],
            pathText: 'data.values[0].t',
            scale: 0.1,
            offset: 0,
            decimals: 1,
            unit: '°C',
          },
          { name: 'wind', path: ['data', 'wind'], pathText: 'data.wind', scale: 1, offset: 0 },
        ],
      },
    ]);
  });

  it('reads MQTT device sources and defaults to a persistent QoS 1 session', () => {
    const { server } = load(
      SERVER(`  - name: plant
    type: mqtt
    url: mqtt://127.0.0.1:1883
    backoff: { initial: 2s, max: 1m }
    subscriptions:
      - { topic: "plant/+/telemetry", device: "topic:1", points: [{ name: t, path: t }] }
      - { topic: "meters/#", device: "json:meta.id", timestamp: ts, points: [{ name: kwh, path: e.kwh }] }
      - { topic: "fixed/one", device: PUMP-7, points: [{ name: on, path: on }] }`),
    );
    const [c] = server.channels;
    expect(c).toMatchObject({
      type: 'mqtt',
      qos: 1,
      cleanSession: false,
      clientId: 'dtuhub-plant',
      keepaliveSeconds: 60,
      maxPayloadBytes: 256 * 1024,
      tls: null,
      backoff: { initialMs: 2000, maxMs: 60_000 },
    });
    if (c?.type !== 'mqtt') throw new Error('not mqtt');
    expect(c.subscriptions.map((s) => s.device)).toEqual([
      { kind: 'topic-level', level: 1 },
      { kind: 'json', path: ['meta', 'id'], pathText: 'meta.id' },
      { kind: 'fixed', id: 'PUMP-7' },
    ]);
  });

  it('compiles an OPC UA channel with defaults: no security, certificates in data/pki, unknown servers not trusted', () => {
    const { server } = load(
      SERVER(`  - name: plc
    type: opcua
    endpoint: opc.tcp://10.0.0.9:4840/UA/Server
    device: PLC-1
    items:
      - { name: temperature, nodeId: "ns=2;s=Boiler.Temp", scale: 0.1, decimals: 1 }
      - { name: running, nodeId: "ns=3;i=1001", samplingInterval: 250ms }`),
    );
    expect(server.channels).toEqual([
      {
        name: 'plc',
        type: 'opcua',
        enabled: true,
        backoff: { initialMs: 1000, maxMs: 300_000 },
        endpoint: 'opc.tcp://10.0.0.9:4840/UA/Server',
        securityMode: 'None',
        securityPolicy: 'None',
        username: null,
        password: null,
        pkiDir: 'data/pki',
        acceptUnknownServerCertificate: false,
        connectTimeoutMs: 10_000,
        publishingIntervalMs: 1000,
        device: 'PLC-1',
        items: [
          {
            name: 'temperature',
            nodeId: 'ns=2;s=Boiler.Temp',
            samplingIntervalMs: 1000,
            scale: 0.1,
            offset: 0,
            decimals: 1,
          },
          { name: 'running', nodeId: 'ns=3;i=1001', samplingIntervalMs: 250, scale: 1, offset: 0 },
        ],
      },
    ]);
  });

  it('takes OPC UA security, credentials and PKI settings, and checks node ids', () => {
    const { server } = load(
      SERVER(`  - name: plc
    type: opcua
    endpoint: opc.tcp://10.0.0.9:4840
    securityMode: SignAndEncrypt
    username: operator
    password: 1234
    pkiDir: /etc/dtuhub/pki
    acceptUnknownServerCertificate: true
    publishingInterval: 500ms
    device: PLC-1
    items: [{ name: a, nodeId: "nsu=urn:plant;s=A" }]`),
    );
    expect(server.channels[0]).toMatchObject({
      securityMode: 'SignAndEncrypt',
      securityPolicy: 'Basic256Sha256',
      username: 'operator',
      password: '1234',
      pkiDir: '/etc/dtuhub/pki',
      acceptUnknownServerCertificate: true,
      publishingIntervalMs: 500,
    });
    expect(
      issues(
        SERVER(`  - name: plc
    type: opcua
    endpoint: opc.tcp://10.0.0.9:4840
    device: PLC-1
    items: [{ name: a, nodeId: "Boiler.Temp" }, { name: b, nodeId: "ns=x;i=1" }]`),
      ),
    ).toEqual([
      '9:channels[0].items[0].nodeId: must be a node id like ns=2;s=Boiler.Temp or ns=3;i=1001',
      '9:channels[0].items[1].nodeId: must be a node id like ns=2;s=Boiler.Temp or ns=3;i=1001',
    ]);
  });

  it('reads an MQTT maxPayload as a data size and refuses 0', () => {
    const channel = (maxPayload: string) =>
      SERVER(`  - name: plant
    type: mqtt
    url: mqtt://127.0.0.1:1883
    maxPayload: ${maxPayload}
    subscriptions:
      - { topic: "plant/#", device: P, points: [{ name: t, path: t }] }`);
    expect(load(channel('4KiB')).server.channels[0]).toMatchObject({ maxPayloadBytes: 4096 });
    expect(load(channel('1000')).server.channels[0]).toMatchObject({ maxPayloadBytes: 1000 });
    expect(issues(channel('0'))).toEqual(['8:channels[0].maxPayload: must be at least 1 byte']);
    expect(issues(channel('lots'))).toEqual([
      '8:channels[0].maxPayload: must be a size like 512MB, 2GiB, or whole bytes',
    ]);
  });

  it('takes MQTT TLS files that exist, for mqtts:// and wss:// only, a client certificate with its key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dtuhub-tls-'));
    try {
      const ca = join(dir, 'ca.pem');
      writeFileSync(ca, 'PEM');
      const channel = (url: string, tls: string) =>
        SERVER(`  - name: plant
    type: mqtt
    url: ${url}
    tls: ${tls}
    subscriptions:
      - { topic: "plant/#", device: P, points: [{ name: t, path: t }] }`);
      expect(
        load(channel('mqtts://broker.test:8883', `{ ca: ${ca}, servername: broker.plant, passphrase: 1234 }`)).server
          .channels[0],
      ).toMatchObject({
        tls: {
          caFile: ca,
          certFile: null,
          keyFile: null,
          passphrase: '1234',
          rejectUnauthorized: true,
          servername: 'broker.plant',
        },
      });
      expect(load(channel('wss://broker.test/mqtt', '{ rejectUnauthorized: false }')).server.channels[0]).toMatchObject(
        { tls: { caFile: null, rejectUnauthorized: false } },
      );
      expect(issues(channel('wss://broker.test/mqtt', '{ servername: broker.plant }'))).toEqual([
        '8:channels[0].tls.servername: is not supported with wss:// URLs: use the name on the certificate in the URL',
      ]);
      expect(issues(channel('mqtts://broker.test', `{ ca: ${dir} }`))).toEqual([
        `8:channels[0].tls.ca: no such file: ${dir} (relative paths are read from the working directory)`,
      ]);
      const missing = join(dir, 'nope.pem');
      expect(issues(channel('mqtt://broker.test', `{ ca: ${ca} }`))).toEqual([
        '8:channels[0].tls: applies to mqtts:// and wss:// URLs only, not mqtt://',
      ]);
      expect(issues(channel('mqtts://broker.test', `{ ca: ${missing}, cert: ${ca} }`))).toEqual([
        '8:channels[0].tls: cert and key go together: a client certificate needs its key',
        `8:channels[0].tls.ca: no such file: ${missing} (relative paths are read from the working directory)`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports every problem with its line and field', () => {
    expect(
      issues(
        SERVER(`  - name: dtu
    type: http
    url: ftp://x
    device: A
    points: [{ name: a, path: a }]
    body: "{}"
  - name: m1
    type: modbus-tcp
    host: 127.0.0.1
    device: M1
    profile: missing
    url: http://wrong.key
  - name: q
    type: mqtt
    url: mqtt://127.0.0.1
    subscriptions:
      - { topic: "a/#/b", device: "topic:7", points: [{ name: x, path: x }, { name: x, path: y }] }
  - name: ua
    type: opcua
    endpoint: opc.tcp://127.0.0.1:4840
    securityMode: Sign
    securityPolicy: None
    username: u
    device: U1
    items: [{ name: a, nodeId: "ns=1;s=A" }]
  - name: q
    type: http
    url: http://127.0.0.1/
    device: B
    backoff: { initial: 10s, max: 1s }
    points: [{ name: a, path: "a..b" }]`),
      ),
    ).toEqual([
      '5:channels[0].name: "dtu" is already the name of a listener: channels and listeners share one list in supervision',
      '7:channels[0].url: must start with http:// or https://',
      '10:channels[0].body: a GET request has no body: use method: POST',
      '11:channels[1]: a modbus-tcp channel needs port',
      '16:channels[1].url: does not apply to a modbus-tcp channel',
      '21:channels[2].subscriptions[0].topic: # must be a whole level and the last one',
      '21:channels[2].subscriptions[0].device: topic level 7 is not in "a/#/b" (levels count from 0)',
      '21:channels[2].subscriptions[0].points[1].name: duplicate point name "x" (first at line 21)',
      '22:channels[3]: username and password go together',
      '26:channels[3].securityPolicy: securityMode Sign and securityPolicy None do not fit: None goes with None',
      '30:channels[4].name: duplicate channel name "q" (first at line 17)',
      '34:channels[4].backoff.max: must be at least backoff.initial (10000 ms)',
      '35:channels[4].points[0].path: must be a path like temp or data.values[0].v',
    ]);
  });

  it('checks profile and link references against points.yml', () => {
    expect(
      issues(
        SERVER(`  - name: serial
    type: rtu-over-tcp
    host: 10.0.0.5
    port: 4001
    device: S1
    profile: nope
    link: nolink`),
      ),
    ).toEqual([
      expect.stringMatching(/^10:channels\[0\]\.profile: unknown profile "nope" in points\.yml \(known: .+\)$/),
      expect.stringMatching(/^11:channels\[0\]\.link: unknown link "nolink" in points\.yml \(known: .+\)$/),
    ]);
  });

  it('refuses a preset device on a link whose registration prefixes every packet', () => {
    const points = MINIMAL_POINTS.replace(
      'profiles:',
      `  carry:
    framing: transparent
    registration: { type: ascii, mode: every-packet }
profiles:`,
    );
    const server = SERVER(`  - name: dtu-carry
    type: rtu-over-tcp
    host: 10.0.0.6
    port: 502
    device: D1
    profile: station
    link: carry`);
    expect(issues(server, points)).toEqual([
      expect.stringMatching(
        /^9:channels\[0\]\.device: link "carry" prefixes every packet with the registration: leave device unset/,
      ),
    ]);
    // Without the device the DTU registers, and the channel compiles.
    const compiled = load(server.replace(/ {4}device: D1\n {4}profile: station\n/, ''), {}, points);
    expect(compiled.server.channels[0]).toMatchObject({
      type: 'rtu-over-tcp',
      device: null,
      profile: null,
      link: 'carry',
      port: 502,
    });
  });
});
