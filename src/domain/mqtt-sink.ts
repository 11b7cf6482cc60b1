// A `type: mqtt` sink of server.yml `sinks:` as compiled (config/compile-sink-mqtt.ts):
// where samples and device status are published north, and which writes may come back.
import type { TlsConfig } from './channels.js';

/** `json`: one message per device per poll; `point`: one message per point. */
export type MqttSinkFormat = 'json' | 'point';

export interface MqttSinkTopics {
  /** Samples; `{prefix}`, `{device}`, `{name}`, `{profile}` and, for `point`, `{point}`. */
  readonly data: string;
  /** A device's online/offline status, retained: `{prefix}`, `{device}`. */
  readonly status: string;
  /** The gateway's own status, retained, with the last will `offline`: `{prefix}`. */
  readonly gateway: string;
}

/** One entry of `writeBack.allow`: glob patterns (`*`, `?`) over registration IDs and point names. */
export interface WriteBackRule {
  readonly devices: readonly string[];
  readonly points: readonly string[];
  /** Register writes ({slave, fn, address, value(s)}) on these devices too, not only points by name. */
  readonly registers: boolean;
}

export interface WriteBackConfig {
  readonly enabled: boolean;
  /** Subscribed with `{device}` as `+`: `{prefix}/write/request/{device}`. */
  readonly requestTopic: string;
  /** `{prefix}`, `{device}`. */
  readonly responseTopic: string;
  readonly allow: readonly WriteBackRule[];
  /** Requests being carried out at once; more are refused as busy (bounded memory). */
  readonly maxPending: number;
}

export interface MqttSinkConfig {
  readonly name: string;
  readonly url: string;
  readonly clientId: string;
  readonly username: string | null;
  readonly password: string | null;
  readonly tls: TlsConfig | null;
  readonly keepaliveSec: number;
  readonly connectTimeoutMs: number;
  /** Pause between reconnect attempts while the broker is away. */
  readonly reconnectMs: number;
  readonly qos: 0 | 1 | 2;
  readonly prefix: string;
  readonly format: MqttSinkFormat;
  readonly topics: MqttSinkTopics;
  /** Device and gateway status messages are retained. */
  readonly retainStatus: boolean;
  /** Units of the points (from points.yml) go into the messages. */
  readonly units: boolean;
  readonly writeBack: WriteBackConfig;
}
