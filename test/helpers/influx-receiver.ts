// A stand-in for InfluxDB's write endpoints on 127.0.0.1: POST /api/v2/write (v2, InfluxDB 3's
// compatible endpoint) and POST /write (v1), plain or gzip bodies. Lines are parsed with
// influx-line-protocol-parser, a published parser apart from ours. A test can take it down
// (connections refused) and up again on the same port, or have it refuse the next requests.
import { createRequire } from 'node:module';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface ReceivedLine {
  readonly measurement: string;
  readonly tags: Record<string, string>;
  readonly fields: Record<string, unknown>;
  readonly timestamp: number;
  readonly text: string;
}

export interface ReceivedRequest {
  readonly path: string;
  readonly query: Record<string, string>;
  readonly headers: IncomingMessage['headers'];
  readonly status: number;
  readonly lines: readonly string[];
}

type ParsedLine = {
  measurement?: string;
  timestamp?: number;
  tags?: Record<string, string>[];
  fields?: Record<string, unknown>[];
};

// The package ships no types: its one function, typed here.
const parseLine = createRequire(import.meta.url)('influx-line-protocol-parser') as (line: string) => ParsedLine;

export class InfluxReceiver {
  /** Lines of the requests answered 204, in the order they came. */
  readonly lines: ReceivedLine[] = [];
  readonly requests: ReceivedRequest[] = [];
  private server: Server | null = null;
  private refusals: { status: number; body: string; headers: Record<string, string> }[] = [];
  port = 0;

  async start(port = 0): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Closes the port and every connection: writes are refused until up(). */
  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  up(): Promise<void> {
    return this.start(this.port);
  }

  /** The next write request is answered with this status and body (and nothing stored). */
  refuseNext(status: number, body: string, headers: Record<string, string> = {}): void {
    this.refusals.push({ status, body, headers });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://x');
    const raw = Buffer.concat(chunks);
    const body = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
    const lines = body.split('\n').filter((l) => l !== '');
    const writes = req.method === 'POST' && (url.pathname === '/api/v2/write' || url.pathname === '/write');
    const refusal = writes ? this.refusals.shift() : undefined;
    const status = !writes ? 404 : refusal ? refusal.status : 204;
    this.requests.push({
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      status,
      lines,
    });
    if (status === 204) for (const text of lines) this.lines.push(parsed(text));
    res.writeHead(status, { 'content-type': 'application/json', ...refusal?.headers });
    res.end(refusal ? JSON.stringify({ code: 'invalid', message: refusal.body }) : undefined);
  }
}

function parsed(text: string): ReceivedLine {
  const p = parseLine(text) as ParsedLine;
  return {
    measurement: p.measurement ?? '',
    tags: Object.assign({}, ...(p.tags ?? [])) as Record<string, string>,
    fields: Object.assign({}, ...(p.fields ?? [])) as Record<string, unknown>,
    timestamp: p.timestamp ?? Number.NaN,
    text,
  };
}
