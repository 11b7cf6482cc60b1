// The InfluxDB peer of a sink: batches → line protocol → POST /api/v2/write (InfluxDB 2, 3
// and engines that speak its API) or /write (InfluxDB 1), precision=ms, gzip optional.
// Plain HTTP through one undici Agent per sink (keep-alive connections), no client library:
// the hand-written encoder measured faster than the official client's Point API
// (docs/BENCHMARKS.md, "InfluxDB line encoding").
//
// How answers map onto the storage layer's results (what the spool does with them):
//   2xx                       ok
//   400, 413 and other 4xx    permanent: the batch is refused for its content (a bad line, a
//                             field type conflict); retrying cannot help, so it is set aside
//                             once. 401/403/404 (token, bucket) are not: fixing the server
//                             or the config makes them pass, so they are journaled.
//   429, 5xx, network, timeout  failed: journaled and replayed in order; the replay waits at
//                             least Retry-After when the server sends one.
// A batch larger than maxBodyBytes goes in several requests; if a later one fails the whole
// batch is replayed, and InfluxDB overwrites the lines already written with the same values
// (a point is identified by measurement, tags, field and time), so nothing is doubled.
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { Agent, request, type Dispatcher } from 'undici';
import type { InfluxSinkConfig } from '../../domain/sinks.js';
import type { Logger } from '../../log.js';
import type { SinkResult, WriteBatch } from '../../storage/index.js';
import type { DeviceDirectory } from '../device-directory.js';
import { batchBodies, type InfluxMapping } from './influx-lines.js';
import type { SinkPeer } from '../sink-peer.js';

const gzip = promisify(gzipCallback);

/** Answers that a retry can fix: authentication, a bucket not created yet, throttling. */
const RETRYABLE_4XX = new Set([401, 403, 404, 408, 429]);
/** Longest Retry-After honoured: a server asking for more is retried at the spool's pace anyway. */
const MAX_RETRY_AFTER_MS = 5 * 60_000;
/** How much of an error body is kept for the log and the status. */
const ERROR_BODY_CHARS = 300;

export class InfluxWriter implements SinkPeer {
  private readonly agent: Agent;
  private readonly url: string;
  private readonly headers: Record<string, string>;
  private readonly mapping: InfluxMapping;
  /** No request before this time (Retry-After). */
  private notBefore = 0;

  constructor(
    private readonly config: InfluxSinkConfig,
    private readonly devices: DeviceDirectory,
    private readonly log: Logger,
  ) {
    const influx = config.influxdb;
    this.agent = new Agent({ connections: 2, keepAliveTimeout: 30_000, connectTimeout: influx.timeoutMs });
    this.url = writeUrl(config);
    this.headers = { 'content-type': 'text/plain; charset=utf-8' };
    if (influx.gzip) this.headers['content-encoding'] = 'gzip';
    if (influx.api === 'v2' && influx.token !== null) this.headers['authorization'] = `Token ${influx.token}`;
    if (influx.api === 'v1' && influx.username !== null)
      this.headers['authorization'] =
        `Basic ${Buffer.from(`${influx.username}:${influx.password ?? ''}`).toString('base64')}`;
    this.mapping = { ...influx.tags, measurement: influx.measurement };
  }

  write(batch: WriteBatch): Promise<SinkResult> {
    return this.writeGroup([batch]);
  }

  /** The batches in order, in as few requests as maxBodyBytes allows. */
  async writeGroup(batches: readonly WriteBatch[]): Promise<SinkResult> {
    const wait = this.notBefore - Date.now();
    if (wait > 0) return { ok: false, failedAttempts: 1, error: `server asked to wait ${Math.ceil(wait / 1000)} s` };
    const max = this.config.influxdb.maxBodyBytes;
    const storedOnly = this.config.samples === 'stored';
    const started = performance.now();
    for (const batch of batches) {
      for (const { body } of batchBodies(batch, this.mapping, this.devices, max, storedOnly)) {
        const result = await this.post(body);
        if (!result.ok) return result;
      }
    }
    return { ok: true, failedAttempts: 0, writeMs: performance.now() - started };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async post(body: string): Promise<SinkResult> {
    const influx = this.config.influxdb;
    let response: Dispatcher.ResponseData;
    try {
      response = await request(this.url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: this.headers,
        // On the thread pool: a megabyte compressed on the event loop stalls every socket.
        body: influx.gzip ? await gzip(body) : body,
        headersTimeout: influx.timeoutMs,
        bodyTimeout: influx.timeoutMs,
      });
    } catch (err) {
      return { ok: false, failedAttempts: 1, error: `InfluxDB unreachable: ${messageOf(err)}` };
    }
    const status = response.statusCode;
    if (status >= 200 && status < 300) {
      await response.body.dump();
      return { ok: true, failedAttempts: 0 };
    }
    const text = (await response.body.text().catch(() => '')).slice(0, ERROR_BODY_CHARS);
    const error = `InfluxDB answered ${status}${text ? `: ${text.trim()}` : ''}`;
    if (status === 429 || status === 503) this.honourRetryAfter(response.headers['retry-after']);
    if (status >= 400 && status < 500 && !RETRYABLE_4XX.has(status)) {
      this.log.warn({ status, error }, 'InfluxDB refused a batch for its content; it is set aside, not retried');
      return { ok: false, permanent: true, failedAttempts: 1, error };
    }
    return { ok: false, failedAttempts: 1, error };
  }

  private honourRetryAfter(header: string | string[] | undefined): void {
    const value = Array.isArray(header) ? header[0] : header;
    if (value === undefined) return;
    const seconds = Number(value);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
    if (Number.isFinite(ms) && ms > 0) this.notBefore = Date.now() + Math.min(ms, MAX_RETRY_AFTER_MS);
  }
}

/** The write endpoint with its query: org/bucket (v2) or db/rp and u/p (v1), precision=ms. */
export function writeUrl(config: InfluxSinkConfig): string {
  const influx = config.influxdb;
  const url = new URL(influx.url);
  const base = url.pathname.replace(/\/+$/, '');
  url.username = '';
  url.password = '';
  const query = new URLSearchParams();
  if (influx.api === 'v2') {
    url.pathname = `${base}/api/v2/write`;
    if (influx.org !== null) query.set('org', influx.org);
    query.set('bucket', influx.bucket ?? '');
  } else {
    url.pathname = `${base}/write`;
    query.set('db', influx.database ?? '');
    if (influx.retentionPolicy !== null) query.set('rp', influx.retentionPolicy);
  }
  query.set('precision', 'ms');
  url.search = query.toString();
  return url.toString();
}

function messageOf(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
  }
  return String(err);
}
