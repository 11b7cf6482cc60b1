// Northbound sinks (docs/SINKS.md): their state, lag, backlog and counters, and
// start/stop/restart for supervision.
import type { SinkStatus } from '../domain/sinks.js';
import { messageOf, ServiceError } from './errors.js';
import type { SupervisionAction } from './listeners.js';
import type { Runtime } from './runtime.js';

export type { SinkStatus } from '../domain/sinks.js';

export class SinksService {
  constructor(private readonly rt: Runtime) {}

  list(): SinkStatus[] {
    return this.rt.sinks.list();
  }

  /** Throws ServiceError SINK_NOT_FOUND. */
  get(name: string): SinkStatus {
    if (!this.rt.sinks.has(name)) throw new ServiceError('SINK_NOT_FOUND', `no sink named ${name}`);
    return this.rt.sinks.get(name).status();
  }

  /** Runs the action and answers the sink's state after it; a failure is SINK_FAILED. */
  async control(name: string, action: SupervisionAction): Promise<SinkStatus> {
    this.get(name);
    const sink = this.rt.sinks.get(name);
    try {
      if (action === 'start') await sink.start();
      else if (action === 'stop') await sink.stop();
      else await sink.restart();
    } catch (err) {
      throw new ServiceError('SINK_FAILED', messageOf(err));
    }
    return this.get(name);
  }
}
