// MQTT actions: one client per broker named by some rule, connected at start in the
// background. mqtt.js queues messages while it is (re)connecting, so publishing never waits
// for the broker; a broker that never answers only costs log lines.
//
// A reloaded rules.yml (apply) replaces only the clients of brokers that changed, were
// removed or are no longer used; the others keep their connection and whatever they queued.
import { connect, type MqttClient } from 'mqtt';
import type { MqttBroker } from '../../domain/rules.js';
import type { Logger } from '../../log.js';

const RECONNECT_MS = 2000;
const CONNECT_TIMEOUT_MS = 5000;

export class MqttPublisher {
  private readonly clients = new Map<string, MqttClient>();
  /** Clients being ended after a reload; stop() waits for them. */
  private readonly closing = new Set<Promise<void>>();
  private published = 0;
  private failed = 0;

  constructor(
    private brokers: readonly MqttBroker[],
    private readonly log: Logger,
  ) {}

  start(): void {
    for (const broker of this.brokers) this.connect(broker);
  }

  /**
   * rules.yml reloaded: `brokers` are the ones rules use now, `changed` the names whose
   * settings changed (or that were added or removed). A changed or unused broker's client is
   * ended (its queued messages get a moment, as at stop) and a new one connects; an unchanged
   * broker in use keeps its client.
   */
  apply(brokers: readonly MqttBroker[], changed: ReadonlySet<string>): void {
    const wanted = new Map(brokers.map((b) => [b.name, b]));
    for (const name of [...this.clients.keys()]) {
      if (wanted.has(name) && !changed.has(name)) continue;
      this.end(name);
    }
    for (const broker of brokers) if (!this.clients.has(broker.name)) this.connect(broker);
    this.brokers = brokers;
  }

  private end(name: string): void {
    const client = this.clients.get(name);
    if (!client) return;
    this.clients.delete(name);
    const ending = endClient(client).catch((err: unknown) =>
      this.log.warn({ broker: name, error: (err as Error).message }, 'closing an MQTT client failed'),
    );
    this.closing.add(ending);
    void ending.finally(() => this.closing.delete(ending));
    this.log.info({ broker: name }, 'MQTT client closed: broker changed or no longer used');
  }

  private connect(broker: MqttBroker): void {
    const client = connect(broker.url, {
      ...(broker.username !== null ? { username: broker.username } : {}),
      ...(broker.password !== null ? { password: broker.password } : {}),
      ...(broker.clientId !== null ? { clientId: broker.clientId } : {}),
      reconnectPeriod: RECONNECT_MS,
      connectTimeout: CONNECT_TIMEOUT_MS,
    });
    let warned = false;
    client.on('connect', () => {
      warned = false;
      this.log.info({ broker: broker.name }, 'MQTT connected');
    });
    client.on('error', (err) => {
      if (!warned) this.log.warn({ broker: broker.name, error: err.message }, 'MQTT broker error; retrying');
      warned = true;
    });
    this.clients.set(broker.name, client);
  }

  publish(broker: string, topic: string, payload: string, qos: 0 | 1 | 2, retain: boolean): void {
    const client = this.clients.get(broker);
    if (!client) return;
    client.publish(topic, payload, { qos, retain }, (err) => {
      if (err) {
        this.failed++;
        this.log.warn({ broker, topic, error: err.message }, 'MQTT publish failed');
      } else this.published++;
    });
  }

  stats(): { published: number; failed: number } {
    return { published: this.published, failed: this.failed };
  }

  async stop(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.all([...clients.map(endClient), ...this.closing]);
  }
}

/** Gives queued QoS 1/2 messages a moment; a broker that is down does not hold up the end. */
function endClient(client: MqttClient): Promise<void> {
  return client.connected ? client.endAsync() : client.endAsync(true);
}
