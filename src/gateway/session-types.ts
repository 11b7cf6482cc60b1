// The shapes around a DTU session: what every session shares (SessionContext), what it
// reports (SessionStatus), and how a session an outbound channel opened differs (OutboundHooks).

import type { EventBus } from '../bus.js';
import type { Clock } from '../clock.js';
import type { DeviceProfile, PointsConfig, RetentionConfig, SessionLimits } from '../domain/config.js';
import type { GatewayEvents, OfflineReason, Remote } from '../domain/events.js';
import type { RegistryLookup } from '../domain/registry.js';
import type { TickScheduler } from '../link/index.js';
import type { Logger } from '../log.js';
import type { GatewayCounters } from './counters.js';
import type { RegistrationFailures } from './registration-failures.js';
import type { DeviceRegistry } from './registry.js';

export interface SessionContext {
  readonly limits: SessionLimits;
  readonly points: PointsConfig;
  readonly registry: DeviceRegistry;
  readonly bus: EventBus<GatewayEvents>;
  readonly counters: GatewayCounters;
  readonly log: Logger;
  readonly clock: Clock;
  /** Shared by every session: poll schedules, response timeouts and heartbeat checks. */
  readonly scheduler: TickScheduler;
  /** Which raw packets are recorded, and the byte budget they are recorded within. */
  readonly recording: Pick<RetentionConfig, 'recordRawPackets' | 'rawPacketMaxBytes' | 'rawPacketBytesPerMinute'>;
  /** Failed registrations by listener and address (absent: not tracked, as in benches). */
  readonly registrationFailures?: RegistrationFailures;
  /** The device registry in memory: disabled devices, pre-registered IDs, profile overrides. */
  readonly fleetRegistry?: RegistryLookup;
}

export type SessionState = 'registering' | 'active' | 'closed';

export interface SessionStatus {
  readonly deviceId: string | null;
  readonly profile: string | null;
  readonly name: string | null;
  readonly state: SessionState;
  readonly remote: Remote;
  readonly connectedAt: number;
  readonly registeredAt: number | null;
  readonly lastHeartbeatAt: number | null;
  readonly lastDataAt: number | null;
  readonly heartbeatMisses: number;
  readonly queueDepth: number;
}

/**
 * How a session dtuhub opened itself (an outbound channel) differs from an accepted one.
 * The channel announces the device and reports it offline, so each of those events is
 * raised once, by the side that also knows when the link is retried.
 */
export interface OutboundHooks {
  /** The device is known in advance (a serial device server): no registration is expected. */
  readonly preset: { readonly deviceId: string; readonly profile: DeviceProfile; readonly name: string | null } | null;
  /** Where the poller's events go: the channel counts data on the way to the bus. */
  readonly bus: Pick<EventBus<GatewayEvents>, 'emit'>;
  /** The device registered (or the preset one is ready). */
  online(deviceId: string, profile: string, name: string | null): void;
  /** The session ended, for whatever reason; the channel reports the device offline. */
  closed(reason: OfflineReason, details: string | null): void;
}
