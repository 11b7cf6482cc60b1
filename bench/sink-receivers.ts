// The far ends of the sinks scenario, in the parent process (so their CPU is not the
// gateway's): a stand-in for InfluxDB's v2 write endpoint that takes line protocol and
// answers 204, and an MQTT subscriber on the sink's topics. Both read each record's device,
// sequence number (field/point p0), points and time with a cheap parse of the bench's own
// records (fixed tags, numeric fields), feed a SequenceCheck, and keep the delivery lag
// (arrival − sample time) while a window is open.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { connectAsync, type MqttClient } from 'mqtt';
import { SequenceCheck } from './sequence-check.js';
import { WeightedHistogram } from './weighted-histogram.js';

export interface SinkReceiver {
  readonly check: SequenceCheck;
  /** Points taken the first time, so far (duplicates not counted). */
  readonly points: number;
  /** performance.now() of the last record received. */
  readonly lastAt: number;
  /** Records that could not be read as the bench's (should stay 0). */
  readonly unreadable: number;
  /** Delivery lag (ms, weighted by points) of the records received since the last call; starts a new window. */
  lagWindow(): WeightedHistogram;
  close(): Promise<void>;
}

/** Common bookkeeping of both receivers. */
abstract class Tally implements SinkReceiver {
  readonly check = new SequenceCheck();
  private lag = new WeightedHistogram();
  lastAt = 0;
  unreadable = 0;

  abstract close(): Promise<void>;

  protected take(device: string, seq: number, points: number, ts: number): void {
    this.check.take(device, seq, points);
    this.lag.add(Math.max(0, Date.now() - ts), points);
    this.lastAt = performance.now();
  }

  lagWindow(): WeightedHistogram {
    const done = this.lag;
    this.lag = new WeightedHistogram();
    return done;
  }

  get points(): number {
    return this.check.summary(new Map()).points;
  }
}

/**
 * One line as the InfluxDB sink writes the bench's samples:
 * `bench,device=SB-0001,profile=bench p0=12,p1=3.5,… 1765000000000`.
 */
export function parseBenchLine(line: string): { device: string; seq: number; points: number; ts: number } | null {
  const head = line.indexOf(' ');
  const tail = line.lastIndexOf(' ');
  const tag = line.indexOf(',device=');
  if (head < 0 || tail <= head || tag < 0 || tag > head) return null;
  const tagEnd = line.indexOf(',', tag + 8);
  const device = line.slice(tag + 8, tagEnd < 0 || tagEnd > head ? head : tagEnd);
  const fields = line.slice(head + 1, tail);
  if (!fields.startsWith('p0=')) return null;
  let points = 1;
  let firstComma = -1;
  for (let i = 0; i < fields.length; i++)
    if (fields.charCodeAt(i) === 44) {
      points += 1;
      if (firstComma < 0) firstComma = i;
    }
  const seq = Number(fields.slice(3, firstComma < 0 ? fields.length : firstComma));
  const ts = Number(line.slice(tail + 1));
  return Number.isFinite(seq) && Number.isFinite(ts) ? { device, seq, points, ts } : null;
}

export class InfluxStandIn extends Tally {
  private server: Server | null = null;
  port = 0;

  async start(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  override async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== 'POST' || !req.url?.startsWith('/api/v2/write')) {
      res.writeHead(404).end();
      return;
    }
    const raw = Buffer.concat(chunks);
    const body = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
    for (const line of body.split('\n')) {
      if (line === '') continue;
      const p = parseBenchLine(line);
      if (p) this.take(p.device, p.seq, p.points, p.ts);
      else this.unreadable += 1;
    }
    res.writeHead(204).end();
  }
}

/** Subscribes at QoS 1 to the sink's data topics (`{prefix}/{device}/data`, the default) and counts their messages. */
export class MqttCounter extends Tally {
  private client: MqttClient | null = null;

  async start(url: string, prefix: string): Promise<void> {
    const client = await connectAsync(url, { clientId: `dtuhub-bench-sub-${process.pid}`, reconnectPeriod: 200 });
    client.on('message', (_topic, payload) => this.handle(payload));
    await client.subscribeAsync(`${prefix}/+/data`, { qos: 1 });
    this.client = client;
  }

  override async close(): Promise<void> {
    await this.client?.endAsync();
    this.client = null;
  }

  private handle(payload: Buffer): void {
    let m: { device?: unknown; ts?: unknown; points?: Record<string, unknown> };
    try {
      m = JSON.parse(payload.toString()) as typeof m;
    } catch {
      this.unreadable += 1;
      return;
    }
    const seq = m.points?.['p0'];
    if (!m.points || typeof m.device !== 'string' || typeof seq !== 'number' || typeof m.ts !== 'number') {
      this.unreadable += 1;
      return;
    }
    this.take(m.device, seq, Object.keys(m.points).length, m.ts);
  }
}
