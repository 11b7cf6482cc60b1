// Scenario 7's webhook receiver, in the runner's own process (not the server's, so its CPU
// is not counted as dtuhub's): a real HTTP server on 127.0.0.1 that answers 200 at once
// and records event-to-webhook latency, `now − event.at`, for events raised inside the window.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WeightedHistogram, type LatencySummary } from './weighted-histogram.js';

export interface WebhookSinkSummary {
  readonly received: number;
  /** In the window: events raised after it started. */
  readonly inWindow: number;
  readonly perSecond: number;
  readonly latencyMs: LatencySummary;
  readonly types: Readonly<Record<string, number>>;
}

export class WebhookSink {
  private server: Server | null = null;
  private readonly latency = new WeightedHistogram();
  private windowStart = Number.POSITIVE_INFINITY;
  private windowEnd = Number.POSITIVE_INFINITY;
  private received = 0;
  private readonly types = new Map<string, number>();
  url = '';

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const now = Date.now();
        res.writeHead(200).end();
        this.received++;
        try {
          const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { at: number; type: string };
          this.types.set(event.type, (this.types.get(event.type) ?? 0) + 1);
          if (event.at >= this.windowStart && event.at < this.windowEnd) this.latency.add(now - event.at);
        } catch {
          // not an event: counted, not timed
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bench`;
  }

  startWindow(at: number): void {
    this.windowStart = at;
  }

  endWindow(at: number): void {
    this.windowEnd = at;
  }

  summary(): WebhookSinkSummary {
    const seconds = Math.max(0.001, (this.windowEnd - this.windowStart) / 1000);
    return {
      received: this.received,
      inWindow: this.latency.summary().count,
      perSecond: this.latency.summary().count / seconds,
      latencyMs: this.latency.summary(),
      types: Object.fromEntries(this.types),
    };
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
