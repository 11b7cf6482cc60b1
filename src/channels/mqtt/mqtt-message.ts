// One received MQTT message → the device it belongs to and its samples, pure. The first
// subscription in config order whose filter matches the topic maps the message; other
// matching subscriptions are ignored, so a message is stored once however filters overlap.
import type { DeviceSource, MqttSubscription } from '../../domain/channels.js';
import type { Sample } from '../../domain/point.js';
import { deviceIdProblem } from '../device-id.js';
import { JsonMapping, mappingProblem } from '../json-mapping.js';
import { readJsonPath } from '../../plan/json-path.js';
import { topicLevel, topicMatches } from './topic.js';

export type MqttMessageResult =
  /** No subscription's filter matches (a broker sending what was not asked for). */
  | { readonly kind: 'unmatched' }
  /** Nothing stored: too big, not JSON, no usable device ID. */
  | { readonly kind: 'rejected'; readonly problem: string }
  /** Samples for one device; `problem` names points the payload lacked. */
  | {
      readonly kind: 'mapped';
      readonly deviceId: string;
      readonly samples: Sample[];
      readonly at: number;
      readonly problem: string | null;
    };

interface Route {
  readonly subscription: MqttSubscription;
  readonly mapping: JsonMapping;
}

export class MqttMessageMapper {
  private readonly routes: readonly Route[];

  constructor(
    subscriptions: readonly MqttSubscription[],
    private readonly maxPayloadBytes: number,
  ) {
    this.routes = subscriptions.map((subscription) => ({
      subscription,
      mapping: new JsonMapping(subscription.points, subscription.timestamp),
    }));
  }

  map(topic: string, payload: Buffer, receivedAt: number): MqttMessageResult {
    const route = this.routes.find((r) => topicMatches(r.subscription.topic, topic));
    if (!route) return { kind: 'unmatched' };
    const rejected = (why: string): MqttMessageResult => ({ kind: 'rejected', problem: `message on ${topic}: ${why}` });
    if (payload.length > this.maxPayloadBytes)
      return rejected(`${payload.length} bytes, more than maxPayload (${this.maxPayloadBytes})`);
    let doc: unknown;
    try {
      doc = JSON.parse(payload.toString('utf8'));
    } catch {
      return rejected(`not JSON (${payload.length} bytes)`);
    }
    const device = deviceIdOf(route.subscription.device, topic, doc);
    if (typeof device !== 'string') return rejected(device.problem);
    const result = route.mapping.map(doc, device, receivedAt);
    return {
      kind: 'mapped',
      deviceId: device,
      samples: result.samples,
      at: result.at,
      problem: mappingProblem(result),
    };
  }
}

/** The registration ID for a message, or why there is none. */
function deviceIdOf(source: DeviceSource, topic: string, doc: unknown): string | { problem: string } {
  let id: string;
  switch (source.kind) {
    case 'fixed':
      return source.id;
    case 'topic-level': {
      const level = topicLevel(topic, source.level);
      if (level === undefined) return { problem: `no topic level ${source.level} for the device ID` };
      id = level;
      break;
    }
    case 'json': {
      const value = readJsonPath(doc, source.path);
      if (typeof value === 'number' && Number.isFinite(value)) id = String(value);
      else if (typeof value === 'string') id = value;
      else
        return {
          problem:
            value === undefined || value === null
              ? `no device ID at ${source.pathText}`
              : `device ID at ${source.pathText} is not text or a number`,
        };
      break;
    }
  }
  const problem = deviceIdProblem(id);
  return problem === null ? id : { problem };
}
