// The HTTP channel over HTTPS against a local server with a certificate from a throwaway CA
// (openssl) that also requires client certificates: with `tls.ca` and a client certificate
// the values are stored; without the CA, or with a `servername` the certificate does not
// carry, the connect fails with the reason and the channel backs off.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { disposeApp, startApp, waitFor, type Harness } from '../../helpers/app-harness.js';
import { dataRows } from '../../helpers/db.js';
import { startJsonServer, type JsonServer } from '../../helpers/json-server.js';
import { makeTestCertificates, type TestCertificates } from '../../helpers/tls-certs.js';

let certs: TestCertificates;
let peer: JsonServer;
let h: Harness | null = null;

beforeAll(async () => {
  certs = makeTestCertificates();
  peer = await startJsonServer(0, {
    ca: certs.ca,
    cert: certs.serverCert,
    key: certs.serverKey,
    requireClientCertificate: true,
  });
  peer.answer = { kind: 'json', doc: { t: 21.5 } };
});

afterAll(async () => {
  await peer?.stop();
  certs?.dispose();
});

afterEach(async () => {
  h = await disposeApp(h);
});

function channel(tls: Record<string, unknown>) {
  return {
    name: 'api',
    type: 'http',
    url: peer.url(),
    every: '200ms',
    timeout: '2s',
    device: 'WX-TLS',
    backoff: { initial: '100ms', max: '400ms' },
    tls,
    points: [{ name: 'temperature', path: 't', unit: '°C' }],
  };
}

const client = () => ({ cert: certs.clientCert, key: certs.clientKey });

describe('HTTP channel over HTTPS', () => {
  it('polls with tls.ca and a client certificate, and stores the values', async () => {
    expect(peer.url()).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/data$/);
    h = await startApp({ server: (doc) => (doc.channels = [channel({ ca: certs.ca, ...client() })]) });
    const rows = await waitFor(
      () => {
        const r = dataRows(h!, 'WX-TLS');
        return r.length > 0 ? r : null;
      },
      10_000,
      'a stored row',
    );
    expect(rows[0]).toMatchObject({ point: 'temperature', value: 21.5 });
    expect(h.app.channels.get('api').status()).toMatchObject({ state: 'connected', counters: { connectFailures: 0 } });
  });

  it('refuses the server certificate without the CA that signed it', async () => {
    h = await startApp({ server: (doc) => (doc.channels = [channel(client())]) });
    const c = h.app.channels.get('api');
    await waitFor(() => c.status().counters.connectFailures >= 2, 10_000, 'two refused handshakes');
    expect(c.status().lastError).toMatch(/self[- ]signed certificate|unable to (get|verify)/i);
    expect(dataRows(h, 'WX-TLS')).toEqual([]);
  });

  it('checks the certificate against servername: localhost passes, another name fails', async () => {
    h = await startApp({
      server: (doc) =>
        (doc.channels = [
          { ...channel({ ca: certs.ca, servername: 'localhost', ...client() }), name: 'named', device: 'WX-NAMED' },
          {
            ...channel({ ca: certs.ca, servername: 'plant.example', ...client() }),
            name: 'misnamed',
            device: 'WX-MISNAMED',
          },
        ]),
    });
    await waitFor(() => dataRows(h!, 'WX-NAMED').length > 0, 10_000, 'rows through the named channel');
    const misnamed = h.app.channels.get('misnamed');
    await waitFor(() => misnamed.status().counters.connectFailures >= 1, 10_000, 'a refused name');
    expect(misnamed.status().lastError).toMatch(/plant\.example/);
    expect(dataRows(h, 'WX-MISNAMED')).toEqual([]);
  });
});
