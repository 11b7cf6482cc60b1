// The MQTT northbound sink: a BatchSink that publishes each write batch (batch-messages.ts)
// and reports it written only when the broker has acknowledged every message (PUBACK at
// QoS 1). While the broker is away a write fails at once, so the SpoolingSink in front of
// it journals the batch on disk and replays the journal in order when the broker is back:
// nothing lost, order kept, at least once (a batch cut off half way is published again).
//
// The gateway's own status is retained on the gateway topic: `online` on every connect and
// a last will of `offline`, which the broker publishes if the gateway vanishes; a clean
// stop publishes `offline` itself. mqtt.js reconnects on its own every `reconnectMs`.
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { TlsConfig } from '../../domain/channels.js';
import type { MqttSinkConfig } from '../../domain/mqtt-sink.js';
import type { Logger } from '../../log.js';
import type { BatchSink, SinkResult, WriteBatch } from '../../storage/index.js';
import { bareUrl } from '../bare-url.js';
import { batchMessages, type DeviceDirectory, type MqttMessage } from './batch-messages.js';
import { fillTopic } from './topic-template.js';
import { WriteBack, type WriteBackPort } from './write-back.js';

/** Messages out at once while their PUBACKs are awaited (see writeGroup). */
const PUBLISH_WINDOW = 2_000;
/**
 * How long a stopping sink waits for write-back requests under way. A write waits its turn in
 * the device's queue and for the slave's answer (its timeout and retries); when dtuhub stops,
 * the gateway closes first, so those fail at once.
 */
const WRITE_BACK_STOP_MS = 5_000;

export interface MqttSinkDeps {
  readonly log: Logger;
  /** Names, profiles and units of devices, for the messages. */
  readonly directory: DeviceDirectory;
  /** The writes service and audit log; without it write-back stays off whatever the config says. */
  readonly writeBack?: WriteBackPort;
  /**
   * `tls:` → the files' contents (channels/tls-files.ts readTls, handed in by the composition
   * root: sinks/ sits beside channels/, not above it). Needed only when the config has `tls:`.
   */
  readonly readTls?: (tls: TlsConfig) => TlsClientOptions;
}

/** The TLS part of mqtt.js's client options. */
export type TlsClientOptions = Pick<IClientOptions, 'ca' | 'cert' | 'key' | 'rejectUnauthorized' | 'servername'> & {
  passphrase?: string;
};

export interface MqttSinkStatus {
  readonly connected: boolean;
  readonly lastError: string | null;
  readonly messagesPublished: number;
  readonly batchesPublished: number;
}

export class MqttSink implements BatchSink {
  private client: MqttClient | null = null;
  private lastError: string | null = null;
  private messagesPublished = 0;
  private batchesPublished = 0;
  private readonly writeBack: WriteBack | null;
  private readonly gatewayTopic: string;

  constructor(
    private readonly config: MqttSinkConfig,
    private readonly deps: MqttSinkDeps,
  ) {
    this.writeBack =
      config.writeBack.enabled && deps.writeBack
        ? new WriteBack(config.name, config.prefix, config.writeBack, deps.writeBack, deps.log)
        : null;
    this.gatewayTopic = fillTopic(config.topics.gateway, { prefix: config.prefix });
  }

  /** Connects (and keeps reconnecting); writes fail until the broker has answered. */
  start(): void {
    if (this.client) return;
    const client = connect(this.config.url, this.clientOptions());
    this.client = client;
    client.on('connect', () => {
      this.lastError = null;
      this.deps.log.info({ url: bareUrl(this.config.url) }, 'MQTT sink connected');
      client.publish(this.gatewayTopic, 'online', { qos: 1, retain: this.config.retainStatus }, () => undefined);
      this.writeBack?.attach(client);
    });
    client.on('message', (topic, payload) => {
      this.writeBack?.handle(client, topic, payload);
    });
    client.on('error', (err) => {
      this.lastError = err.message;
    });
    client.on('close', () => {
      if (this.lastError === null) this.lastError = 'connection to the broker closed';
      // Messages waiting for their PUBACK fail now: their batch goes to the journal and is
      // replayed in order, instead of mqtt.js resending them on reconnect behind newer ones.
      for (const id of Object.keys(client.outgoing)) client.removeOutgoingMessage(Number(id));
    });
  }

  status(): MqttSinkStatus {
    return {
      connected: this.client?.connected === true,
      lastError: this.lastError,
      messagesPublished: this.messagesPublished,
      batchesPublished: this.batchesPublished,
    };
  }

  write(batch: WriteBatch): Promise<SinkResult> {
    return this.writeGroup([batch]);
  }

  /**
   * Several batches at once (the journal's replay hands over groups), so a replay is not paced
   * by one round trip per batch: up to PUBLISH_WINDOW messages are out before their PUBACKs
   * are awaited. The window stays far below the 65,535 packet ids of an MQTT session, which
   * mqtt.js hands out without checking which are still waiting. mqtt.js sends in call order,
   * so the order is kept. A failure fails the group, which is then published again whole
   * (at least once, docs/SINKS.md).
   */
  async writeGroup(batches: readonly WriteBatch[]): Promise<SinkResult> {
    const client = this.client;
    if (!client?.connected) return { ok: false, failedAttempts: 1, error: this.lastError ?? 'broker not connected' };
    const messages = batches.flatMap((batch) => batchMessages(batch, this.config, this.deps.directory));
    const started = Date.now();
    try {
      for (let i = 0; i < messages.length; i += PUBLISH_WINDOW)
        await Promise.all(messages.slice(i, i + PUBLISH_WINDOW).map((m) => this.publish(client, m)));
    } catch (err) {
      return {
        ok: false,
        failedAttempts: 1,
        error: `publish failed: ${err instanceof Error ? err.message : String(err)}`,
      };
    }
    this.messagesPublished += messages.length;
    this.batchesPublished += batches.length;
    return { ok: true, failedAttempts: 0, writeMs: Date.now() - started };
  }

  /**
   * Lets write-back requests under way finish (answered and audited), says `offline` on the
   * gateway topic itself (a clean stop sends no will), then disconnects.
   */
  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (!client) return;
    if (this.writeBack && !(await this.writeBack.stop(WRITE_BACK_STOP_MS))) {
      this.deps.log.warn(
        { sink: this.config.name },
        `write-back requests still running ${WRITE_BACK_STOP_MS} ms after the sink began to stop: not answered`,
      );
    }
    if (client.connected) {
      try {
        await this.publish(client, { topic: this.gatewayTopic, payload: 'offline', retain: this.config.retainStatus });
      } catch {
        // The last will says it instead.
      }
    }
    await client.endAsync();
  }

  private publish(client: MqttClient, m: MqttMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      client.publish(m.topic, m.payload, { qos: this.config.qos, retain: m.retain }, (err) =>
        err ? reject(err) : resolve(),
      );
    });
  }

  private clientOptions(): IClientOptions {
    const c = this.config;
    if (c.tls && !this.deps.readTls) throw new Error('MQTT sink has tls: but no TLS file reader was given');
    return {
      ...(c.tls && this.deps.readTls ? this.deps.readTls(c.tls) : {}),
      clientId: c.clientId,
      ...(c.username !== null ? { username: c.username } : {}),
      ...(c.password !== null ? { password: c.password } : {}),
      // No session to resume: what was not acknowledged is in the journal, replayed in order.
      clean: true,
      keepalive: c.keepaliveSec,
      connectTimeout: c.connectTimeoutMs,
      reconnectPeriod: c.reconnectMs,
      resubscribe: false,
      queueQoSZero: false,
      will: { topic: this.gatewayTopic, payload: Buffer.from('offline'), qos: 1, retain: c.retainStatus },
    };
  }
}
