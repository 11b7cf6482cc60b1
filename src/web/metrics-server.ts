// `metrics.listen` (docs/METRICS.md): Prometheus text on an address of its own, for a
// scraper on a management network. No accounts are involved: open, or `metrics.token` when
// set. Plain node:http, since it answers one path. start() and stop() undo each other.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetricsConfig } from '../domain/config.js';
import type { Logger } from '../log.js';
import type { MetricsService } from '../services/index.js';
import { metricsTokenMatches } from './auth/metrics-token.js';

export class MetricsServer {
  private server: Server | null = null;
  private boundPort: number | null = null;

  constructor(
    private readonly metrics: MetricsService,
    private readonly config: MetricsConfig,
    private readonly log: Logger,
  ) {}

  /** The bound port (the configured one, or the ephemeral one for port 0). */
  get port(): number | null {
    return this.boundPort;
  }

  async start(): Promise<void> {
    const listen = this.config.listen;
    if (this.server || !listen) return;
    const server = createServer((req, res) => this.answer(req, res));
    // A scrape is a short request: idle keep-alive sockets are not held long.
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listen.port, listen.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.boundPort = (server.address() as AddressInfo).port;
    this.log.info({ host: listen.host, port: this.boundPort }, 'metrics listening');
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.boundPort = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics') return plain(res, 404, 'not found: metrics are at /metrics\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return plain(res, 405, 'method not allowed\n');
    }
    if (this.config.token !== null && !metricsTokenMatches(req.headers.authorization, this.config.token)) {
      res.setHeader('www-authenticate', 'Bearer realm="dtuhub metrics"');
      return plain(res, 401, 'a bearer token is required\n');
    }
    this.metrics.scrape().then(
      (scrape) => {
        res.writeHead(200, { 'content-type': scrape.contentType, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : scrape.text);
      },
      (err: unknown) => {
        this.log.error({ err }, 'metrics scrape failed');
        plain(res, 500, 'scrape failed\n');
      },
    );
  }
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}
