// What the web server needs from the rest of dtuhub (DtuhubApp provides all of it). Keeping
// it to this slice lets tests and benches hand in a smaller app.
import type { ChannelManager } from '../channels/channel-manager.js';
import type { EventBus } from '../bus.js';
import type { DtuhubConfig } from '../domain/config.js';
import type { GatewayEvents } from '../domain/events.js';
import type { EventsService, WebhooksService } from '../events/services.js';
import type { Gateway, WriteCommand } from '../gateway/gateway.js';
import type { TransactionOutcome } from '../link/index.js';
import type { HistoryReader, LatestValues, StoreHealth } from '../storage/index.js';

export interface WebApp {
  readonly config: DtuhubConfig;
  readonly bus: EventBus<GatewayEvents>;
  readonly latest: LatestValues;
  readonly gateway: Gateway;
  /** Outbound collector channels (docs/CHANNELS.md). */
  readonly channels: ChannelManager;
  readonly reader: HistoryReader;
  /** Stored events and rules (docs/EVENTS.md, "For the API"). */
  readonly events: EventsService;
  readonly webhooks: WebhooksService;
  storeHealth(): StoreHealth;
  /** One Modbus write to an online device, whatever connects it (throws DeviceNotOnlineError). */
  write(deviceId: string, command: WriteCommand): Promise<TransactionOutcome>;
}
