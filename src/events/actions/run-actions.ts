// Runs a rule's actions for one event: a webhook delivery queued, an MQTT message
// published, a notice handed to a notifier, a log line. Returns at once; nothing here waits for the network.
import type { RuleDef } from '../../domain/rules.js';
import type { Logger } from '../../log.js';
import type { DeliveryQueue } from '../delivery/delivery-queue.js';
import { envelope, type DtuEvent } from '../event.js';
import { render, renderText } from '../template.js';
import type { NotifierHub } from '../notify/notifier-hub.js';
import type { MqttPublisher } from './mqtt-publisher.js';

export class ActionRunner {
  constructor(
    private readonly deliveries: DeliveryQueue,
    private readonly mqtt: MqttPublisher,
    private readonly log: Logger,
    private readonly notifiers: NotifierHub | null = null,
  ) {}

  run(event: DtuEvent, rule: RuleDef): void {
    const context = envelope(event, rule.name);
    for (const action of rule.actions) {
      try {
        switch (action.kind) {
          case 'log':
            this.log[action.level](
              { rule: rule.name, event: event.id, type: event.type, device: event.deviceId, payload: event.payload },
              `rule ${rule.name}: ${event.type}`,
            );
            break;
          case 'webhook': {
            const body = JSON.stringify(action.body === null ? context : render(action.body, context));
            this.deliveries.add({
              eventId: event.id,
              eventType: event.type,
              registrationId: event.deviceId,
              endpoint: action.endpoint,
              rule: rule.name,
              body,
            });
            break;
          }
          case 'notify':
            this.notifiers?.notify(action.notifier, event, { name: rule.name, severity: rule.severity });
            break;
          case 'mqtt': {
            const payload = JSON.stringify(action.payload === null ? context : render(action.payload, context));
            this.mqtt.publish(action.broker, renderText(action.topic, context), payload, action.qos, action.retain);
            break;
          }
        }
      } catch (err) {
        this.log.error({ err, rule: rule.name }, 'rule action failed');
      }
    }
  }
}
