// Every outbound channel of server.yml: built once from config by type, started with the
// app (those with `enabled: true`), stopped with it, and controlled one by one from the
// supervision API.
import type { ChannelConfig, ChannelType } from '../domain/channels.js';
import type { TransactionOutcome } from '../link/index.js';
import type { Collector, CollectorDeps, CollectorStatus } from './collector.js';

export class UnknownChannelError extends Error {
  readonly code = 'UNKNOWN_CHANNEL';
  constructor(readonly channel: string) {
    super(`no channel named ${channel}`);
  }
}

/** How to build a collector of one type; some types need more than the bus (the gateway, points). */
export type CollectorFactories<S extends CollectorDeps> = {
  readonly [T in ChannelType]: (config: Extract<ChannelConfig, { type: T }>, services: S) => Collector;
};

export class ChannelManager {
  private readonly collectors: readonly Collector[];

  constructor(configs: readonly ChannelConfig[], build: (config: ChannelConfig) => Collector) {
    this.collectors = configs.map(build);
  }

  start(): void {
    for (const c of this.collectors) if (c.config.enabled) c.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.collectors.map((c) => c.stop()));
  }

  /** An ad-hoc Modbus transaction through the channel that feeds the device now, or null if none can. */
  transact(deviceId: string, request: Uint8Array): Promise<TransactionOutcome> | null {
    for (const c of this.collectors) {
      const outcome = c.transact(deviceId, request);
      if (outcome) return outcome;
    }
    return null;
  }

  list(): CollectorStatus[] {
    return this.collectors.map((c) => c.status());
  }

  has(name: string): boolean {
    return this.collectors.some((c) => c.name === name);
  }

  get(name: string): Collector {
    const found = this.collectors.find((c) => c.name === name);
    if (!found) throw new UnknownChannelError(name);
    return found;
  }
}

/** A builder for ChannelManager that dispatches on the type to the factory for it. */
export function collectorBuilder<S extends CollectorDeps>(
  factories: CollectorFactories<S>,
  services: S,
): (config: ChannelConfig) => Collector {
  return (config) => (factories[config.type] as (c: ChannelConfig, s: S) => Collector)(config, services);
}
