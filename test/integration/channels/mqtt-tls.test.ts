// The MQTT channel over TLS against a private Mosquitto with a certificate from a throwaway
// CA (openssl) that also requires client certificates: with `tls.ca` and a client
// certificate the channel connects and stores what is published; without the CA the
// broker's certificate is refused, and the channel backs off with the reason as its error.
import { connectAsync, type MqttClient } from 'mqtt';
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { disposeApp, startApp, waitFor, type Harness } from '../../helpers/app-harness.js';
import { dataRows } from '../../helpers/db.js';
import { startPrivateBroker, type PrivateBroker } from '../../helpers/mosquitto.js';
import { makeTestCertificates, type TestCertificates } from '../../helpers/tls-certs.js';

let certs: TestCertificates;
let broker: PrivateBroker;
let h: Harness | null = null;
let publisher: MqttClient | null = null;

beforeAll(async () => {
  certs = makeTestCertificates();
  broker = await startPrivateBroker({
    tls: { ca: certs.ca, cert: certs.serverCert, key: certs.serverKey, requireClientCertificate: true },
  });
});

afterAll(async () => {
  await broker?.dispose();
  certs?.dispose();
});

afterEach(async () => {
  h = await disposeApp(h);
  await publisher?.endAsync();
  publisher = null;
});

function channel(tls: Record<string, unknown>) {
  return {
    name: 'secure',
    type: 'mqtt',
    url: broker.url,
    clientId: 'dtuhub-tls-test',
    cleanSession: true,
    backoff: { initial: '100ms', max: '400ms' },
    tls,
    subscriptions: [
      { topic: 'tls-test/+/data', device: 'topic:1', points: [{ name: 'temperature', path: 't', unit: '°C' }] },
    ],
  };
}

describe('MQTT channel over TLS', () => {
  it('connects with tls.ca and a client certificate, and stores what is published', async () => {
    expect(broker.url).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    h = await startApp({
      server: (doc) => (doc.channels = [channel({ ca: certs.ca, cert: certs.clientCert, key: certs.clientKey })]),
    });
    const c = h.app.channels.get('secure');
    await waitFor(() => c.state === 'connected', 10_000, 'connected over TLS');
    publisher = await connectAsync(broker.url, {
      ca: readFileSync(certs.ca),
      cert: readFileSync(certs.clientCert),
      key: readFileSync(certs.clientKey),
      reconnectPeriod: 0,
      connectTimeout: 5000,
    });
    await publisher.publishAsync('tls-test/TANK-1/data', JSON.stringify({ t: 21.5 }), { qos: 1 });
    const rows = await waitFor(
      () => {
        const r = dataRows(h!, 'TANK-1');
        return r.length > 0 ? r : null;
      },
      10_000,
      'a stored row',
    );
    expect(rows[0]).toMatchObject({ point: 'temperature', value: 21.5, raw: '21.5' });
    expect(c.status().counters.connectFailures).toBe(0);
  });

  it('refuses the broker certificate without the CA that signed it, and backs off with the reason', async () => {
    h = await startApp({
      server: (doc) => (doc.channels = [channel({ cert: certs.clientCert, key: certs.clientKey })]),
    });
    const c = h.app.channels.get('secure');
    await waitFor(() => c.status().counters.connectFailures >= 2, 10_000, 'two refused handshakes');
    expect(c.status().lastError).toMatch(/self[- ]signed certificate|unable to (get|verify)/i);
    expect(c.status().counters.connects).toBe(0);
  });

  it('fails the attempt with the file name when a TLS file has gone since the config was loaded', async () => {
    const renewed = join(certs.dir, 'renewed-ca.pem');
    copyFileSync(certs.ca, renewed);
    // Loaded while the file is there (the config check passes), started after it has gone.
    h = await startApp({
      server: (doc) =>
        (doc.channels = [
          { ...channel({ ca: renewed, cert: certs.clientCert, key: certs.clientKey }), enabled: false },
        ]),
    });
    rmSync(renewed);
    const c = h.app.channels.get('secure');
    c.start();
    await waitFor(() => c.status().counters.connectFailures >= 1, 10_000, 'a failed attempt');
    expect(c.status().lastError).toBe(
      `cannot read tls.ca ${renewed}: ENOENT: no such file or directory, open '${renewed}'`,
    );
  });
});
