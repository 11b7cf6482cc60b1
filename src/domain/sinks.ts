// Northbound sinks (server.yml `sinks:`, docs/SINKS.md): where decoded samples are forwarded
// besides the history store. Every type shares the common part (queue, spill journal, which
// samples); its own settings sit under a key named like the type (`influxdb:`, `mqtt:`).
//
// Adding a type: its name in SINK_TYPES, its config below and in the SinkConfig union, one
// entry in config/compile-sinks.ts (SINK_SECTIONS) and one in sinks/factories.ts.
import type { MqttSinkConfig } from './mqtt-sink.js';

export const SINK_TYPES = ['influxdb', 'mqtt'] as const;
export type SinkType = (typeof SINK_TYPES)[number];

/**
 * Which samples a sink gets. `all`: every sample polled (the default: a time-series database
 * wants the regular series, whatever points.yml `history:` thins for the local history);
 * `stored`: only the samples the profiles' store-by-exception policies keep as history rows.
 */
export type SinkSamples = 'all' | 'stored';

export interface SinkCommonConfig {
  readonly name: string;
  readonly enabled: boolean;
  readonly samples: SinkSamples;
  /** Batching of the sink's BufferedWriter (rows and age), and its backlog cap. */
  readonly queue: {
    readonly maxRows: number;
    readonly flushIntervalMs: number;
    readonly maxPendingRows: number;
  };
  /** The spill journal for what the peer cannot take now (replayed in order). */
  readonly spill: {
    readonly dir: string;
    readonly maxSizeBytes: number;
    /** A batch the peer has not taken by then is journaled. */
    readonly writeTimeoutMs: number;
    /** Pause between replay attempts while the peer is away: first and longest. */
    readonly retryMinMs: number;
    readonly retryMaxMs: number;
  };
}

export type InfluxApi = 'v1' | 'v2';

export interface InfluxSinkConfig extends SinkCommonConfig {
  readonly type: 'influxdb';
  readonly influxdb: {
    /** Base URL of the server: http://host:8086 (a path prefix is kept). */
    readonly url: string;
    /** v2: /api/v2/write with org/bucket/token (InfluxDB 2, 3, and compatible engines); v1: /write. */
    readonly api: InfluxApi;
    readonly org: string | null;
    readonly bucket: string | null;
    readonly token: string | null;
    readonly database: string | null;
    readonly retentionPolicy: string | null;
    readonly username: string | null;
    readonly password: string | null;
    readonly gzip: boolean;
    readonly timeoutMs: number;
    /** Line protocol per request, before gzip: a batch larger than this goes in several requests. */
    readonly maxBodyBytes: number;
    /** Fixed measurement name, or null: the device's profile. */
    readonly measurement: string | null;
    /** Which tags each line carries. */
    readonly tags: {
      readonly device: string | null;
      readonly name: string | null;
      readonly profile: string | null;
      readonly group: string | null;
      /** Registry tags written `key=value` become tags. */
      readonly registryTags: boolean;
      /** Fixed tags on every line (site, gateway). */
      readonly extra: Readonly<Record<string, string>>;
    };
  };
}

/** MQTT north: samples and device status published to a broker, write-back from it (domain/mqtt-sink.ts). */
export interface MqttNorthSinkConfig extends SinkCommonConfig {
  readonly type: 'mqtt';
  readonly mqtt: MqttSinkConfig;
}

export type SinkConfig = InfluxSinkConfig | MqttNorthSinkConfig;

export type SinkState = 'ok' | 'degraded' | 'spilling' | 'stopped';

/** A sink as supervision shows it (GET /api/sinks). */
export interface SinkStatus {
  readonly name: string;
  readonly type: SinkType;
  /** Where it writes, without credentials. */
  readonly target: string;
  readonly enabled: boolean;
  readonly samples: SinkSamples;
  readonly state: SinkState;
  readonly since: number;
  readonly lastError: string | null;
  readonly startedAt: number | null;
  readonly restarts: number;
  /** Age of the oldest sample accepted and not yet sent (ms), or null when none waits. */
  readonly lagMs: number | null;
  /** Rows in memory (accepted, not yet taken or journaled) and on disk (journaled, not replayed). */
  readonly backlogRows: number;
  readonly rowsOnDisk: number;
  readonly bytesOnDisk: number;
  readonly counters: {
    readonly accepted: number;
    readonly sent: number;
    readonly spilled: number;
    readonly replayed: number;
    /** Refused by the backlog cap, or whole batches the peer refused (set aside once). */
    readonly dropped: number;
    readonly rejected: number;
  };
}
