// MQTT subscribe: one client per channel, a persistent session (clean: false) so QoS 1/2
// messages published while dtuhub was away are delivered when it comes back. Reconnects are
// the channel base's (mqtt.js's own reconnect is off), so the backoff, states and events
// are the same as every other channel's. Messages are mapped by mqtt-message.ts.
import { connect, type IClientOptions, type ISubscriptionGrant, type MqttClient } from 'mqtt';
import type { MqttChannelConfig } from '../../domain/channels.js';
import type { Remote } from '../../domain/events.js';
import { Channel, type ChannelDeps, type ChannelLink, type OpenLink } from '../channel.js';
import { displayUrl, urlRemote } from '../peer-url.js';
import { readTls } from '../tls-files.js';
import { MqttMessageMapper } from './mqtt-message.js';
import { brokerFilters } from './topic.js';

/** Profile label of devices fed over MQTT (devices.profile). */
const PROFILE = 'mqtt';

/** How long a stop waits for the broker to take our DISCONNECT before the socket is dropped. */
const CLOSE_WAIT_MS = 2000;

/** SUBACK return code for a refused subscription. */
const SUBSCRIBE_REFUSED = 128;

const DEFAULT_PORTS: Record<string, number> = { 'mqtt:': 1883, 'mqtts:': 8883, 'ws:': 80, 'wss:': 443 };

interface Received {
  readonly topic: string;
  readonly payload: Buffer;
  readonly receivedAt: number;
}

export class MqttChannel extends Channel<MqttChannelConfig> {
  private readonly mapper: MqttMessageMapper;
  private readonly url: URL;
  /** Subscribed at the broker: the configured filters minus those another one covers. */
  private readonly filters: readonly string[];

  constructor(config: MqttChannelConfig, deps: ChannelDeps) {
    super(config, deps);
    this.mapper = new MqttMessageMapper(config.subscriptions, config.maxPayloadBytes);
    this.url = new URL(config.url);
    this.filters = brokerFilters(config.subscriptions.map((s) => s.topic));
  }

  get target(): string {
    return displayUrl(this.url);
  }

  protected remote(): Remote {
    return urlRemote(this.url, this.config.name, DEFAULT_PORTS);
  }

  protected async open(link: ChannelLink): Promise<OpenLink> {
    const { config } = this;
    const client = connect(config.url, this.clientOptions());
    // A persistent session's stored messages arrive right after CONNACK, before the channel
    // counts as connected: they are kept and mapped once it does (they are acked already).
    const early: Received[] = [];
    let live = false;
    let lastError: Error | null = null;
    let closed = false;
    // False once the channel lets go of this connection: a message that arrives during the
    // DISCONNECT is neither handled nor acknowledged, so the session redelivers it later.
    let accepting = true;
    client.on('message', (topic, payload) => {
      if (!accepting) return;
      const message = { topic, payload, receivedAt: this.now() };
      if (live) this.handle(link, message);
      else early.push(message);
    });
    // mqtt.js acknowledges (PUBACK) when this calls back, right after the 'message' event.
    client.handleMessage = (_packet, callback) => {
      if (accepting) callback();
    };
    client.on('error', (err) => {
      lastError = err;
    });
    const lostError = () => lastError ?? new Error('connection closed by the broker');
    client.on('close', () => {
      closed = true;
      if (live) link.lost(lostError());
    });

    // Stopped or restarted while connecting: end the client; its close event fails the wait.
    const abandon = () => client.end(true);
    link.signal.addEventListener('abort', abandon, { once: true });
    try {
      const sessionPresent = await within(
        config.connectTimeoutMs,
        `no CONNACK from ${this.target} within ${config.connectTimeoutMs} ms`,
        (resolve, reject) => {
          client.once('connect', (connack) => resolve(connack.sessionPresent));
          client.once('close', () => reject(describe(lastError) ?? new Error('connection closed before CONNACK')));
        },
      );
      const grants = await within<ISubscriptionGrant[]>(
        config.connectTimeoutMs,
        `no SUBACK within ${config.connectTimeoutMs} ms`,
        (resolve, reject) => {
          client.subscribe(Object.fromEntries(this.filters.map((f) => [f, { qos: config.qos }])), (err, granted) =>
            err ? reject(err) : resolve(granted ?? []),
          );
          client.once('close', () => reject(describe(lastError) ?? new Error('connection closed before SUBACK')));
        },
      );
      const refused = grants.filter((g) => g.qos === SUBSCRIBE_REFUSED).map((g) => g.topic);
      if (refused.length > 0) throw new Error(`broker refused subscription to ${refused.join(', ')}`);
      this.log.info(
        { target: this.target, sessionPresent, filters: this.filters, queued: early.length },
        'mqtt subscribed',
      );
    } catch (err) {
      client.end(true);
      // Acknowledged on arrival (holding the ack back would also hold back the SUBACK), so a
      // failure between CONNACK and SUBACK loses them: rare (an ACL changed while away), but said.
      if (early.length > 0)
        this.log.warn(
          { target: this.target, dropped: early.length },
          'mqtt messages received before a failed subscribe were dropped',
        );
      throw link.signal.aborted ? new Error('connect cancelled') : err;
    } finally {
      link.signal.removeEventListener('abort', abandon);
    }

    return {
      connected: () => {
        live = true;
        for (const message of early.splice(0)) this.handle(link, message);
        // Closed between SUBACK and now: the close event found the channel not yet connected.
        if (closed) link.lost(lostError());
      },
      close: async () => {
        accepting = false;
        await closeClient(client);
      },
    };
  }

  private clientOptions(): IClientOptions {
    const { config } = this;
    return {
      ...(config.tls ? readTls(config.tls) : {}),
      clientId: config.clientId,
      ...(config.username !== null ? { username: config.username } : {}),
      ...(config.password !== null ? { password: config.password } : {}),
      clean: config.cleanSession,
      keepalive: config.keepaliveSeconds,
      connectTimeout: config.connectTimeoutMs,
      // 0: mqtt.js never reconnects on its own; a lost connection goes through the channel backoff.
      reconnectPeriod: 0,
      // MQTT 3.1.1: what every broker speaks, and Mosquitto delivers a message matching
      // several of our filters once (under MQTT 5 it sends one copy per subscription).
      protocolVersion: 4,
    };
  }

  private handle(link: ChannelLink, { topic, payload, receivedAt }: Received): void {
    const result = this.mapper.map(topic, payload, receivedAt);
    switch (result.kind) {
      case 'unmatched':
        this.log.debug({ topic }, 'mqtt message on a topic no subscription maps');
        return;
      case 'rejected':
        link.collectFailed(result.problem);
        this.log.warn({ topic, problem: result.problem }, 'mqtt message not stored');
        return;
      case 'mapped':
        if (result.problem !== null) {
          link.collectFailed(`message on ${topic}: ${result.problem}`);
          this.log.warn({ topic, problem: result.problem }, 'mqtt message not fully mapped');
        }
        if (result.samples.length > 0 || result.problem === null) {
          link.publish(result.deviceId, PROFILE, result.samples, receivedAt, result.at);
        }
    }
  }
}

/** A promise settled by `body`, or rejected with `message` after `ms`. */
function within<T>(
  ms: number,
  message: string,
  body: (resolve: (v: T) => void, reject: (e: Error) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message)), ms);
    body(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/**
 * Socket errors with their code in front (ECONNREFUSED: …), as the other channels show them.
 * MQTT refusals carry a numeric reason code; their message already says it in words.
 */
function describe(err: Error | null): Error | null {
  if (!err) return null;
  const code: unknown = (err as { code?: unknown }).code;
  return typeof code === 'string' && !err.message.includes(code) ? new Error(`${code}: ${err.message}`) : err;
}

/** DISCONNECT when the broker is there (acks of handled messages go out first), bounded in time. */
async function closeClient(client: MqttClient): Promise<void> {
  if (!client.connected) {
    await client.endAsync(true).catch(() => undefined);
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), CLOSE_WAIT_MS)));
  const outcome = await Promise.race([
    client.endAsync().then(
      () => 'done' as const,
      () => 'done' as const,
    ),
    timedOut,
  ]);
  clearTimeout(timer);
  if (outcome === 'timeout') await client.endAsync(true).catch(() => undefined);
}
