// Every outbound channel of server.yml: built once from config by type, started with the
// app (those with `enabled: true`), stopped with it, and controlled one by one from the
// supervision API.
import type { ChannelConfig, ChannelType } from '../domain/channels.js';
import type { TransactionOutcome } from '../link/index.js';
import type { Channel, ChannelDeps, ChannelStatus } from './channel.js';
import type { ChannelPointWrite } from './channel-types.js';

export class UnknownChannelError extends Error {
  readonly code = 'UNKNOWN_CHANNEL';
  constructor(readonly channel: string) {
    super(`no channel named ${channel}`);
  }
}

/** How to build a channel of one type; some types need more than the bus (the gateway, points). */
export type ChannelFactories<S extends ChannelDeps> = {
  readonly [T in ChannelType]: (config: Extract<ChannelConfig, { type: T }>, services: S) => Channel;
};

export class ChannelManager {
  private channels: readonly Channel[];

  constructor(
    configs: readonly ChannelConfig[],
    private readonly build: (config: ChannelConfig) => Channel,
  ) {
    this.channels = configs.map(build);
  }

  /**
   * server.yml channels reloaded: each named channel is stopped (removed), built and started
   * (added, when enabled) or both (changed); the others keep their connections and counters.
   */
  async apply(configs: readonly ChannelConfig[], changed: ReadonlySet<string>): Promise<void> {
    const old = new Map(this.channels.map((c) => [c.name, c]));
    await Promise.all(this.channels.filter((c) => changed.has(c.name)).map((c) => c.stop()));
    const next = configs.map((config) => (changed.has(config.name) ? this.build(config) : old.get(config.name)!));
    this.channels = next;
    for (const c of next) if (changed.has(c.name) && c.config.enabled) c.start();
  }

  start(): void {
    for (const c of this.channels) if (c.config.enabled) c.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.channels.map((c) => c.stop()));
  }

  /** An ad-hoc Modbus transaction through the channel that feeds the device now, or null if none can. */
  transact(deviceId: string, request: Uint8Array): Promise<TransactionOutcome> | null {
    for (const c of this.channels) {
      const outcome = c.transact(deviceId, request);
      if (outcome) return outcome;
    }
    return null;
  }

  /** A write by point name through the channel that feeds the device, or null if none writes that way. */
  writePoint(
    deviceId: string,
    point: string,
    value: number | boolean,
    dryRun: boolean,
  ): Promise<ChannelPointWrite> | null {
    for (const c of this.channels) {
      const outcome = c.writePoint(deviceId, point, value, dryRun);
      if (outcome) return outcome;
    }
    return null;
  }

  list(): ChannelStatus[] {
    return this.channels.map((c) => c.status());
  }

  has(name: string): boolean {
    return this.channels.some((c) => c.name === name);
  }

  get(name: string): Channel {
    const found = this.channels.find((c) => c.name === name);
    if (!found) throw new UnknownChannelError(name);
    return found;
  }
}

/** A builder for ChannelManager that dispatches on the type to the factory for it. */
export function channelBuilder<S extends ChannelDeps>(
  factories: ChannelFactories<S>,
  services: S,
): (config: ChannelConfig) => Channel {
  return (config) => (factories[config.type] as (c: ChannelConfig, s: S) => Channel)(config, services);
}
