// The runtime events a live view follows (data, failed polls, devices coming and going),
// without handing out the bus itself: a front end can listen, never emit.
import type { EventBus } from '../bus.js';
import type { GatewayEvents } from '../domain/events.js';

export type FeedEvents = Pick<
  GatewayEvents,
  | 'data'
  | 'poll.failed'
  | 'device.registered'
  | 'device.reconfigured'
  | 'device.edited'
  | 'device.offline'
  | 'alarm.changed'
>;

export class LiveFeed {
  constructor(private readonly bus: EventBus<GatewayEvents>) {}

  /** Returns the function that stops listening. */
  on<K extends keyof FeedEvents>(type: K, listener: (payload: FeedEvents[K]) => void): () => void {
    return this.bus.on(type, listener);
  }
}
