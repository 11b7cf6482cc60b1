// MQTT actions: one client per broker named by some rule, connected at start in the
// background. mqtt.js queues messages while it is (re)connecting, so publishing never waits
// for the broker; a broker that never answers only costs log lines.
import { connect, type MqttClient } from 'mqtt';
import type { MqttBroker } from '../../domain/rules.js';
import type { Logger } from '../../log.js';

const RECONNECT_MS = 2000;
const CONNECT_TIMEOUT_MS = 5000;

export class MqttPublisher {
  private readonly clients = new Map<string, MqttClient>();
  private published = 0;
  private failed = 0;

  constructor(
    private readonly brokers: readonly MqttBroker[],
    private readonly log: Logger,
  ) {}

  start(): void {
    for (const broker of this.brokers) {
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
    // Give queued QoS 1/2 messages a moment; a broker that is down does not hold up the stop.
    await Promise.all(clients.map((c) => (c.connected ? c.endAsync() : c.endAsync(true))));
  }
}
