// Outbound channels (docs/CHANNELS.md): the links dtuhub opens to devices and brokers,
// their state, and start/stop/restart for supervision.
import type { ChannelStatus } from '../channels/channel.js';
import { messageOf, ServiceError } from './errors.js';
import type { SupervisionAction } from './listeners.js';
import type { Runtime } from './runtime.js';

/** An outbound channel as supervision shows it. */
export type { ChannelStatus } from '../channels/channel.js';

export class ChannelsService {
  constructor(private readonly rt: Runtime) {}

  list(): ChannelStatus[] {
    return this.rt.channels.list();
  }

  /** Throws ServiceError CHANNEL_NOT_FOUND. */
  get(name: string): ChannelStatus {
    if (!this.rt.channels.has(name)) throw new ServiceError('CHANNEL_NOT_FOUND', `no outbound channel named ${name}`);
    return this.rt.channels.get(name).status();
  }

  /** Runs the action and answers the channel's state after it; a failure is CHANNEL_FAILED. */
  async control(name: string, action: SupervisionAction): Promise<ChannelStatus> {
    this.get(name);
    const channel = this.rt.channels.get(name);
    try {
      if (action === 'start') channel.start();
      else if (action === 'stop') await channel.stop();
      else await channel.restart();
    } catch (err) {
      throw new ServiceError('CHANNEL_FAILED', messageOf(err));
    }
    return this.get(name);
  }
}
