// Inbound DTU listeners: their state, and start/stop/restart for supervision.
import { UnknownListenerError, type ListenerStatus } from '../gateway/gateway.js';
import { messageOf, ServiceError } from './errors.js';
import type { Runtime } from './runtime.js';

export type { ListenerStatus };

export type SupervisionAction = 'start' | 'stop' | 'restart';

export class ListenersService {
  constructor(private readonly rt: Runtime) {}

  list(): ListenerStatus[] {
    return this.rt.gateway.listeners();
  }

  /** Throws ServiceError LISTENER_NOT_FOUND. */
  get(name: string): ListenerStatus {
    const found = this.list().find((l) => l.name === name);
    if (!found) throw new ServiceError('LISTENER_NOT_FOUND', `no listener named ${name}`);
    return found;
  }

  /** Runs the action and answers the listener's state after it; a failure is LISTENER_FAILED. */
  async control(name: string, action: SupervisionAction): Promise<ListenerStatus> {
    this.get(name);
    const gateway = this.rt.gateway;
    try {
      if (action === 'start') await gateway.startListener(name);
      else if (action === 'stop') await gateway.stopListener(name);
      else await gateway.restartListener(name);
    } catch (err) {
      if (err instanceof UnknownListenerError) throw new ServiceError('LISTENER_NOT_FOUND', err.message);
      throw new ServiceError('LISTENER_FAILED', messageOf(err));
    }
    return this.get(name);
  }
}
