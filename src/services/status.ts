// The runtime's state for status pages: connections, devices online, the store's health,
// gateway counters, and a sampler for rates (one per web server, started by it).
import type { GatewayCounters } from '../gateway/counters.js';
import type { StoreHealth } from '../storage/index.js';
import { LastKnown } from './last-known.js';
import { channelDevices } from './presence.js';
import type { Runtime } from './runtime.js';
import { StatusSampler } from './status-sampler.js';

export type Counters = Readonly<GatewayCounters>;

export interface RuntimeStatus {
  readonly connections: {
    readonly open: number;
    readonly online: number;
    readonly acceptedTotal: number;
    readonly refusedTotal: number;
  };
  readonly devices: {
    readonly known: number;
    readonly online: number;
    readonly offline: number;
    /** When `known` was counted in the database (epoch ms), and how long ago; null before the first count. */
    readonly countedAt: number | null;
    readonly countAgeMs: number | null;
  };
  readonly store: StoreHealth;
  readonly buffer: { readonly rows: number };
}

/** The longest a status waits on the database for the device count (docs/API.md). */
export const STATUS_COUNT_WAIT_MS = 300;

export class StatusService {
  /** Devices ever seen, from the database; the last count when it does not answer in time. */
  private readonly knownDevices: LastKnown<number>;

  constructor(private readonly rt: Runtime) {
    this.knownDevices = new LastKnown(async () => (await rt.reader.counts()).devices, {
      waitMs: STATUS_COUNT_WAIT_MS,
    });
  }

  /** Answers from memory within STATUS_COUNT_WAIT_MS, whatever the database does. */
  async runtime(): Promise<RuntimeStatus> {
    const counted = await this.knownDevices.read();
    const { registry, counters } = this.rt.gateway;
    const store = this.rt.storeHealth();
    const known = counted.value ?? 0;
    // Devices fed by outbound channels have no DTU session: they count as online while their channel lists them.
    let online = registry.online;
    for (const deviceId of channelDevices(this.rt).keys()) if (!registry.get(deviceId)) online++;
    return {
      connections: {
        open: registry.connections,
        online: registry.online,
        acceptedTotal: counters.connectionsAccepted,
        refusedTotal: counters.connectionsRefused,
      },
      devices: {
        known: Math.max(known, online),
        online,
        offline: Math.max(0, known - online),
        countedAt: counted.at,
        countAgeMs: counted.at === null ? null : Math.max(0, Date.now() - counted.at),
      },
      store,
      buffer: { rows: store.writer.rowsBuffered },
    };
  }

  /** The store's state, backlog and spill journal now (from memory). */
  store(): StoreHealth {
    return this.rt.storeHealth();
  }

  /** A copy of the gateway's counters now. */
  counters(): Counters {
    return { ...this.rt.gateway.counters };
  }

  /** A new sampler of rates, today's counts and process usage; the caller starts and stops it. */
  sampler(): StatusSampler {
    return new StatusSampler(this.rt.gateway.counters, this.rt.bus);
  }
}
