// OPC UA client channel: one subscription with a monitored item per configured node id;
// each data change becomes a sample of the item's point, stored like DTU data. A node id
// the server does not know is a collect error for that item; the other items keep working.
import type { OpcuaChannelConfig } from '../../domain/channels.js';
import type { Remote } from '../../domain/events.js';
import type { Sample } from '../../domain/point.js';
import { Channel, type ChannelDeps, type ChannelLink, type OpenLink } from '../channel.js';
import { displayUrl, urlRemote } from '../peer-url.js';
import { loadNodeOpcua, type NodeOpcua } from './node-opcua.js';
import { openOpcuaLink, type UaSubscription } from './opcua-link.js';
import { OpcuaItemMapper, type DataValueLike } from './opcua-value.js';

/** Profile label of devices fed over OPC UA (devices.profile). */
const PROFILE = 'opcua';
/** Notifications kept by the server per item between publishes; the newest win when it overflows. */
const QUEUE_SIZE = 10;

export class OpcuaChannel extends Channel<OpcuaChannelConfig> {
  private readonly mappers: readonly OpcuaItemMapper[];
  private readonly endpoint: URL;

  constructor(config: OpcuaChannelConfig, deps: ChannelDeps) {
    super(config, deps);
    this.mappers = config.items.map((item) => new OpcuaItemMapper(item));
    this.endpoint = new URL(config.endpoint);
  }

  get target(): string {
    return displayUrl(this.endpoint);
  }

  protected remote(): Remote {
    return urlRemote(this.endpoint, this.config.name, { 'opc.tcp:': 4840 });
  }

  protected async open(link: ChannelLink): Promise<OpenLink> {
    const opcua = await loadNodeOpcua(this.deps.log);
    const ua = await openOpcuaLink(opcua, this.config, (err) => link.lost(err), link.signal);
    return {
      // Items are created once the channel counts as connected, so no first value arrives too early to publish.
      connected: () => {
        link.deviceOnline(this.config.device, PROFILE);
        this.monitor(opcua, ua.subscription, link);
      },
      close: () => ua.close(),
    };
  }

  private monitor(opcua: NodeOpcua, subscription: UaSubscription, link: ChannelLink): void {
    const { ua } = opcua;
    const batch = new SampleBatch((samples, at) => link.publish(this.config.device, PROFILE, samples, at, at));
    for (const mapper of this.mappers) {
      const { item } = mapper;
      let monitored: ReturnType<typeof ua.ClientMonitoredItem.create>;
      try {
        monitored = ua.ClientMonitoredItem.create(
          subscription,
          { nodeId: item.nodeId, attributeId: ua.AttributeIds.Value },
          { samplingInterval: item.samplingIntervalMs, discardOldest: true, queueSize: QUEUE_SIZE },
          ua.TimestampsToReturn.Both,
        );
      } catch (err) {
        this.itemFailed(link, `${item.name}: node ${item.nodeId}: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      monitored.on('err', (message: string) => this.itemFailed(link, `${item.name}: node ${item.nodeId}: ${message}`));
      monitored.on('changed', (dv: DataValueLike) => {
        const at = this.now();
        const reading = mapper.map(dv, this.config.device, at);
        if (reading.ok) batch.add(reading.sample, at);
        else this.itemFailed(link, reading.problem);
      });
    }
  }

  private itemFailed(link: ChannelLink, problem: string): void {
    if (!link.active) return;
    link.collectFailed(problem);
    this.log.warn({ endpoint: this.target, problem }, 'opcua item not stored');
  }
}

/**
 * node-opcua raises one event per changed item while it reads a publish response; the
 * samples of one response are handed on together, as one poll's samples are for a DTU.
 */
class SampleBatch {
  private samples: Sample[] = [];
  private at = 0;

  constructor(private readonly flush: (samples: Sample[], at: number) => void) {}

  add(sample: Sample, at: number): void {
    if (this.samples.length === 0) {
      this.at = at;
      queueMicrotask(() => {
        const samples = this.samples;
        this.samples = [];
        this.flush(samples, this.at);
      });
    }
    this.samples.push(sample);
  }
}
