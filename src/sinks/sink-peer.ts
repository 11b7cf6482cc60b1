// What a sink type provides: the peer that takes batches (a GroupSink of the storage layer,
// so the spool can journal and replay for it) and how to name its target without secrets.
import type { TlsConfig } from '../domain/channels.js';
import type { SinkConfig, SinkType } from '../domain/sinks.js';
import type { Logger } from '../log.js';
import type { GroupSink } from '../storage/index.js';
import type { DeviceDirectory } from './device-directory.js';
import type { TlsClientOptions } from './mqtt/mqtt-sink.js';
import type { WriteBackPort } from './mqtt/write-back.js';

/**
 * Takes batches for its peer. The result follows the storage layer's rules: `ok` when the
 * peer took the batch; `permanent` when it refuses the batch for its content (retrying cannot
 * help: it is set aside once); anything else is journaled and replayed in order.
 */
export type SinkPeer = GroupSink;

/** A device connected now, as a sink announces it. */
export interface OnlineDevice {
  readonly deviceId: string;
  readonly profile: string;
  readonly name: string | null;
}

/** What every sink type may use, handed in by the composition root. */
export interface SinkServices {
  readonly log: Logger;
  readonly devices: DeviceDirectory;
  /** The devices online now: a sink started while they are (API start, a reload) announces them. */
  readonly online: () => readonly OnlineDevice[];
  /** A point's unit in a profile of the config running now (a reload replaces them), or null. */
  readonly unitOf: (profile: string, point: string) => string | null;
  /** Writes requested by a peer (MQTT write-back): the API's writes service and audit log. */
  readonly writeBack: WriteBackPort;
  /** `tls:` → the files' contents, read like the outbound channels read theirs. */
  readonly readTls: (tls: TlsConfig) => TlsClientOptions;
}

export interface SinkKind<T extends SinkType> {
  peer(config: Extract<SinkConfig, { type: T }>, services: SinkServices): SinkPeer;
  /** Where it writes, shown in supervision: no passwords or tokens. */
  target(config: Extract<SinkConfig, { type: T }>): string;
}

export type SinkKinds = { readonly [T in SinkType]: SinkKind<T> };
