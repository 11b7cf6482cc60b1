// A real HTTP server on 127.0.0.1 (ephemeral port) that records every webhook request and
// answers as the test says: a status code, or never (the request hangs until close()).
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly json: any;
  /** What the receiver answered (null: it never did). */
  readonly answered: number | null;
}

/** The status to answer request number n (0-based), or 'hang'. */
export type Behaviour = (n: number, request: Omit<ReceivedRequest, 'answered'>) => number | 'hang';

export interface WebhookReceiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Requests answered with a 2xx. */
  ok(): ReceivedRequest[];
  setBehaviour(behaviour: Behaviour): void;
  close(): Promise<void>;
}

export async function startReceiver(behaviour: Behaviour = () => 200, path = '/hook'): Promise<WebhookReceiver> {
  let current = behaviour;
  const requests: ReceivedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = null;
      }
      const received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, json };
      const answer = current(requests.length, received);
      requests.push({ ...received, answered: answer === 'hang' ? null : answer });
      if (answer === 'hang') {
        hanging.add(res);
        return;
      }
      res.writeHead(answer, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    requests,
    ok: () => requests.filter((r) => r.answered !== null && r.answered >= 200 && r.answered < 300),
    setBehaviour(b) {
      current = b;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
