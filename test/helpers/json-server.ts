// A local HTTP (or HTTPS) server answering JSON, for the HTTP polling channel: the test sets
// the document (or a status code), counts requests, and can stop and restart it on the same port.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** HTTPS with this certificate; clients must present one the CA signed when `requireClientCertificate`. */
export interface JsonServerTls {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
  readonly requireClientCertificate?: boolean;
}

export interface JsonServer {
  readonly port: number;
  url(path?: string): string;
  /** What the next requests get: a document (sent as JSON), raw text, or an HTTP status. */
  answer: { kind: 'json'; doc: unknown } | { kind: 'text'; text: string } | { kind: 'status'; status: number };
  /** Every request seen: method, path, headers, body. */
  readonly requests: { method: string; path: string; headers: IncomingMessage['headers']; body: string; at: number }[];
  /** Stops listening (existing connections are destroyed). */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
}

export async function startJsonServer(port = 0, tls?: JsonServerTls): Promise<JsonServer> {
  let server: Server;
  const handle: JsonServer = {
    port: 0,
    url: (path = '/data') => `${tls ? 'https' : 'http'}://127.0.0.1:${handle.port}${path}`,
    answer: { kind: 'json', doc: {} },
    requests: [],
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    restart: async () => {
      server = make();
      await listen(server, handle.port);
    },
  };
  const make = () => {
    const listener: RequestListener = (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        handle.requests.push({
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
        });
        const a = handle.answer;
        if (a.kind === 'status') {
          res.writeHead(a.status).end();
        } else {
          res
            .writeHead(200, { 'content-type': a.kind === 'json' ? 'application/json' : 'text/plain' })
            .end(a.kind === 'json' ? JSON.stringify(a.doc) : a.text);
        }
      });
    };
    if (!tls) return createServer(listener);
    const required = tls.requireClientCertificate ?? false;
    return createHttpsServer(
      {
        ca: readFileSync(tls.ca),
        cert: readFileSync(tls.cert),
        key: readFileSync(tls.key),
        requestCert: required,
        rejectUnauthorized: required,
      },
      listener,
    );
  };
  server = make();
  await listen(server, port);
  (handle as { port: number }).port = (server.address() as AddressInfo).port;
  return handle;
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}
