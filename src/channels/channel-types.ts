// The shapes around an outbound channel: what it is given (ChannelDeps), what
// it reports (ChannelStatus, ChannelCounters) and the contract between the base class
// and a channel type's connection code (ChannelLink, OpenLink).
import type { EventBus } from '../bus.js';
import type { Clock } from '../clock.js';
import type { ChannelType } from '../domain/channels.js';
import type { ChannelState, GatewayEvents, OfflineReason } from '../domain/events.js';
import type { Sample } from '../domain/point.js';
import type { Logger } from '../log.js';
import type { PointWriteProblem } from '../protocol/modbus/point-write.js';

export interface ChannelDeps {
  readonly bus: EventBus<GatewayEvents>;
  readonly log: Logger;
  readonly clock?: Clock;
}

export interface ChannelCounters {
  /** Successful connects. */
  connects: number;
  /** Connect attempts that failed. */
  connectFailures: number;
  /** Established links that were lost. */
  disconnects: number;
  /** Collections that produced data (a poll answered, a message or response mapped). */
  collects: number;
  /** Collections that failed without dropping the link (a bad message, an exception). */
  collectErrors: number;
  samples: number;
}

/** A channel as supervision shows it (GET /api/channels `items`). */
export interface ChannelStatus {
  readonly name: string;
  readonly type: ChannelType;
  /** host:port, URL or endpoint. */
  readonly target: string;
  readonly enabled: boolean;
  readonly state: ChannelState;
  readonly lastError: string | null;
  readonly lastErrorAt: number | null;
  readonly connectedAt: number | null;
  readonly lastCollectAt: number | null;
  /** When the next connect attempt is due while backing off. */
  readonly nextAttemptAt: number | null;
  /** Consecutive failed attempts (the backoff exponent). */
  readonly failures: number;
  readonly restarts: number;
  readonly startedAt: number | null;
  /** Devices this channel feeds right now. */
  readonly devices: readonly string[];
  readonly counters: Readonly<ChannelCounters>;
}

/**
 * What `open()` gets for one connection attempt. Every method is a no-op once the attempt
 * is no longer current (stopped, restarted, lost).
 */
export interface ChannelLink {
  /** True while this attempt's connection is the channel's current one. */
  readonly active: boolean;
  /**
   * Aborted once the attempt is no longer current: an `open()` still connecting gives up at
   * once, so stop() and restart() never wait out a connect timeout.
   */
  readonly signal: AbortSignal;
  /**
   * The link broke after `open()` succeeded (socket closed, read failed, heartbeats missed):
   * it is closed, its devices go offline and a retry follows the backoff delay.
   */
  lost(err: Error | null, reason?: OfflineReason): void;
  /** Samples collected for a device: the same `data` event DTU polls raise. */
  publish(deviceId: string, profile: string, samples: readonly Sample[], polledAt: number, at: number): void;
  /** A collection failed without dropping the link (a bad message, an exception): counted, last error kept. */
  collectFailed(message: string): void;
  /** Announces a device as online through this channel (once per connection). */
  deviceOnline(deviceId: string, profile: string, name?: string | null): void;
  /**
   * The peer proved to be what the channel expects (it registered, a poll was answered):
   * the backoff starts over. `publish` implies it.
   */
  proven(): void;
}

/** What `open()` resolves with: how to release that connection (must not throw, bounded in time). */
export interface OpenLink {
  close(): Promise<void>;
  /** Called once the channel counts as connected: publish what `open()` already collected. */
  connected?(): void;
}

/** A point write by name through a channel that writes its own protocol (MC, S7), as planned. */
export interface PlannedChannelWrite {
  readonly point: string;
  readonly unit: string | null;
  /** Where in the peer, as server.yml writes it (`D100`, `DB1.DBW4`). */
  readonly address: string;
  /** The tag's type and the value written in it (before scale and offset; a bit may be a boolean). */
  readonly type: string;
  readonly raw: number | boolean;
  /** The engineering value the peer will hold (after rounding to what the type stores). */
  readonly stored: number;
  /** The words (or the bit) written; empty where the protocol's library encodes them (S7). */
  readonly words: readonly number[];
}

/** The planned part of a tag's write, which every answer but a refusal carries. */
export function plannedChannelWrite(
  tag: { readonly name: string; readonly unit?: string; readonly type: string },
  address: string,
  plan: { readonly raw: number | boolean; readonly stored: number; readonly words?: readonly number[] },
): PlannedChannelWrite {
  const { raw, stored, words = [] } = plan;
  return { point: tag.name, unit: tag.unit ?? null, address, type: tag.type, raw, stored, words };
}

export type ChannelPointWrite =
  | ({ readonly kind: 'planned' } & PlannedChannelWrite)
  | ({
      readonly kind: 'written';
      readonly at: number;
      readonly readBack:
        { readonly value: number | null; readonly raw: string; readonly at: number } | { readonly error: string };
    } & PlannedChannelWrite)
  | ({
      readonly kind: 'failed';
      /** `answered`: the peer refused with an error `code` (MC: the end code). */
      readonly failure: 'answered' | 'timeout' | 'closed' | 'bad-response' | 'not-online';
      readonly code: number | null;
      readonly reason: string;
    } & PlannedChannelWrite)
  /** Nothing sent: the problem as a Modbus point's would be, so limits keep their code and limit. */
  | { readonly kind: 'refused'; readonly problem: PointWriteProblem }
  | { readonly kind: 'unknown-point' };
