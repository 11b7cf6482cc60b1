// Puts slave trouble in the log at warn: Modbus exceptions, timeouts and bad responses,
// and a slave's backoff starting and ending. Until now they reached only the events table
// and the API, so an operator reading the log saw a healthy gateway. A dead slave fails
// every poll, so exception and timeout lines are limited per slave (one a minute, the
// next saying how many were left out); backoff start and end are always logged.
import type { EventBus } from '../bus.js';
import type { GatewayEvents } from '../domain/events.js';
import type { Logger } from '../log.js';

/** At most one exception or timeout line per slave in this window. */
export const POLL_WARNING_WINDOW_MS = 60_000;

interface SlaveLog {
  /** When the last exception or timeout line for this slave was written. */
  lastAt: number;
  /** Lines left out since then. */
  suppressed: number;
  backedOff: boolean;
}

type PollEvents = Pick<
  GatewayEvents,
  'poll.failed' | 'poll.exception' | 'slave.backoff' | 'slave.recovered' | 'device.offline'
>;

export class PollWarnings {
  private readonly devices = new Map<string, Map<number, SlaveLog>>();

  constructor(
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Subscribes to the bus; returns the unsubscribe function. */
  attach(bus: Pick<EventBus<PollEvents>, 'on'>): () => void {
    const offs = [
      bus.on('poll.failed', (e) => {
        const fields = { device: e.deviceId, slave: e.slave, fn: e.fn, address: e.address, quantity: e.quantity };
        this.limited(
          e.deviceId,
          e.slave,
          fields,
          e.reason === 'timeout' ? 'slave did not answer' : 'bad response from slave',
        );
      }),
      bus.on('poll.exception', (e) => {
        const fields = { device: e.deviceId, slave: e.slave, fn: e.fn, address: e.address, code: e.code };
        this.limited(e.deviceId, e.slave, fields, 'slave answered with a Modbus exception');
      }),
      bus.on('slave.backoff', (e) => {
        const slave = this.slave(e.deviceId, e.slave);
        if (slave.backedOff) return; // a longer wait for a slave already backed off is not news
        slave.backedOff = true;
        this.log.warn(
          { device: e.deviceId, slave: e.slave, failures: e.failures, retryInMs: Math.max(0, e.untilMs - e.at) },
          'slave backed off: polls skipped until it answers a probe',
        );
      }),
      bus.on('slave.recovered', (e) => {
        const slave = this.slave(e.deviceId, e.slave);
        if (!slave.backedOff) return;
        slave.backedOff = false;
        this.log.warn(
          { device: e.deviceId, slave: e.slave, suppressed: slave.suppressed },
          'slave answers again: backoff ended',
        );
      }),
      // A new session starts with fresh slave health: so do the log's records.
      bus.on('device.offline', (e) => this.devices.delete(e.deviceId)),
    ];
    return () => offs.forEach((off) => off());
  }

  private limited(deviceId: string, slaveId: number, fields: Record<string, unknown>, message: string): void {
    const slave = this.slave(deviceId, slaveId);
    const now = this.now();
    if (slave.lastAt !== 0 && now - slave.lastAt < POLL_WARNING_WINDOW_MS) {
      slave.suppressed++;
      return;
    }
    this.log.warn({ ...fields, suppressed: slave.suppressed }, message);
    slave.lastAt = now;
    slave.suppressed = 0;
  }

  private slave(deviceId: string, slaveId: number): SlaveLog {
    let slaves = this.devices.get(deviceId);
    if (!slaves) {
      slaves = new Map();
      this.devices.set(deviceId, slaves);
    }
    let slave = slaves.get(slaveId);
    if (!slave) {
      slave = { lastAt: 0, suppressed: 0, backedOff: false };
      slaves.set(slaveId, slave);
    }
    return slave;
  }
}
