// HTTP polling: a GET or POST on a schedule, the JSON response mapped to points. A request
// that fails (refused, timeout, HTTP error) counts as a lost link: backoff, then retry; a
// response that arrives but cannot be read is a collect error and the schedule goes on.
// Requests go through undici with a connection pool per link, which takes the TLS settings.
import { Agent, fetch, type Dispatcher } from 'undici';
import type { HttpChannelConfig } from '../../domain/channels.js';
import type { Remote } from '../../domain/events.js';
import type { Sample } from '../../domain/point.js';
import { Channel, type ChannelDeps, type ChannelLink, type OpenLink } from '../channel.js';
import { JsonMapping, mappingProblem } from '../json-mapping.js';
import { displayUrl, urlRemote } from '../peer-url.js';
import { PollLoop } from '../poll-loop.js';
import { readTls } from '../tls-files.js';
import { readBody } from './read-body.js';

/** A response body larger than this is refused: a JSON document of points is far smaller. */
export const MAX_HTTP_BODY_BYTES = 4 * 1024 * 1024;

/** Profile label of devices fed over HTTP (devices.profile). */
const PROFILE = 'http';

export class HttpChannel extends Channel<HttpChannelConfig> {
  private readonly mapping: JsonMapping;
  private readonly url: URL;

  constructor(config: HttpChannelConfig, deps: ChannelDeps) {
    super(config, deps);
    this.mapping = new JsonMapping(config.points, config.timestamp);
    this.url = new URL(config.url);
  }

  get target(): string {
    return displayUrl(this.url);
  }

  protected remote(): Remote {
    return urlRemote(this.url, this.config.name, { 'http:': 80, 'https:': 443 });
  }

  protected async open(link: ChannelLink): Promise<OpenLink> {
    // One connection pool per link, with the TLS files as they are now; closed with the link.
    const agent = new Agent({ connect: this.config.tls ? readTls(this.config.tls) : {} });
    // The first request decides whether the peer is there; its data is published once connected.
    let first: PollResult;
    try {
      first = await this.poll(link.signal, agent);
    } catch (err) {
      await agent.destroy().catch(() => undefined);
      throw err;
    }
    const loop = new PollLoop(
      this.config.everyMs,
      () => this.now(),
      () =>
        this.poll(link.signal, agent).then(
          (result) => this.deliver(link, result),
          (err: unknown) => link.lost(err instanceof Error ? err : new Error(String(err))),
        ),
      () => link.active,
    );
    loop.start();
    return {
      connected: () => this.deliver(link, first),
      close: async () => {
        // The request in flight is aborted by the link's signal; waiting keeps stop() honest.
        await loop.stop();
        await agent.destroy().catch(() => undefined);
      },
    };
  }

  /**
   * One request; throws when the peer could not be asked (that drops the "link"). `cancel`
   * (the attempt's signal) ends it at once when the channel stops or the link is lost.
   */
  private async poll(cancel: AbortSignal, dispatcher: Dispatcher): Promise<PollResult> {
    const { config } = this;
    const polledAt = this.now();
    // One controller per request, let go of afterwards: AbortSignal.any() with the link's
    // long-lived signal would keep every request's signal alive on Node 20.
    const request = new AbortController();
    const abort = () => request.abort();
    const timer = setTimeout(abort, config.timeoutMs);
    cancel.addEventListener('abort', abort, { once: true });
    if (cancel.aborted) abort();
    let text: string;
    try {
      const response = await fetch(this.url, {
        dispatcher,
        method: config.method,
        headers: config.headers,
        ...(config.body !== null ? { body: config.body } : {}),
        signal: request.signal,
        redirect: 'follow',
      }).catch((err: unknown) => {
        throw new Error(describeFetchError(err, config.timeoutMs));
      });
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
      }
      text = await readBody(response, MAX_HTTP_BODY_BYTES, config.timeoutMs).catch((err: unknown) => {
        throw request.signal.aborted ? new Error(`response not complete within ${config.timeoutMs} ms`) : err;
      });
    } finally {
      clearTimeout(timer);
      cancel.removeEventListener('abort', abort);
    }
    const at = this.now();
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      return { samples: [], polledAt, at, problem: `response is not JSON (${text.length} bytes)` };
    }
    const result = this.mapping.map(doc, config.device, at);
    return { samples: result.samples, polledAt, at, problem: mappingProblem(result) };
  }

  private deliver(link: ChannelLink, result: PollResult): void {
    if (result.problem !== null) {
      link.collectFailed(result.problem);
      this.log.warn({ url: this.target, problem: result.problem }, 'http response not fully mapped');
    }
    if (result.samples.length > 0 || result.problem === null)
      link.publish(this.config.device, PROFILE, result.samples, result.polledAt, result.at);
  }
}

interface PollResult {
  readonly samples: Sample[];
  readonly polledAt: number;
  readonly at: number;
  /** What could not be mapped, for the log and the channel's last error. */
  readonly problem: string | null;
}

function describeFetchError(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'))
    return `no response within ${timeoutMs} ms`;
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : null;
  const code = cause && 'code' in cause ? String((cause as NodeJS.ErrnoException).code) : null;
  const message = cause?.message ?? (err instanceof Error ? err.message : String(err));
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
