// Outbound channels (server.yml `channels:`): peers dtuhub connects to, as
// opposed to DTUs that connect in. Compiled shape, every default filled in, durations in ms.
import type { McTag } from './mc.js';
import type { S7Tag } from './s7.js';

export type ChannelType = 'modbus-tcp' | 'rtu-over-tcp' | 'mqtt' | 'http' | 'opcua' | 'mc' | 's7';

export const CHANNEL_TYPES: readonly ChannelType[] = [
  'modbus-tcp',
  'rtu-over-tcp',
  'mqtt',
  'http',
  'opcua',
  'mc',
  's7',
];

/** Reconnect delays after a failure: `initialMs`, doubling, capped at `maxMs`, reset on success. */
export interface BackoffConfig {
  readonly initialMs: number;
  readonly maxMs: number;
}

interface ChannelBase {
  readonly name: string;
  readonly type: ChannelType;
  /** false: configured but not started until someone starts it (supervision API/UI). */
  readonly enabled: boolean;
  readonly backoff: BackoffConfig;
}

interface TcpTarget {
  readonly host: string;
  readonly port: number;
  /** A connect attempt that takes longer fails (and is retried with backoff). */
  readonly connectTimeoutMs: number;
}

/** Modbus TCP client: MBAP framing, polled with the named profile's read plan. */
export interface ModbusTcpChannelConfig extends ChannelBase, TcpTarget {
  readonly type: 'modbus-tcp';
  /** Registration ID the data is stored under (the peer has none of its own). */
  readonly device: string;
  /** Device profile in points.yml: slaves (unit ids), points, tasks, timing. */
  readonly profile: string;
  /** Requests outstanding at once on the connection; 1 for devices that cannot pipeline. */
  readonly maxInFlight: number;
}

/** Raw Modbus RTU over a TCP connection dtuhub opens (serial device server, fixed-IP DTU). */
export interface RtuOverTcpChannelConfig extends ChannelBase, TcpTarget {
  readonly type: 'rtu-over-tcp';
  /**
   * Registration ID to store data under; null: the peer registers itself with the link's
   * registration rule after the connection opens (a DTU in server mode).
   */
  readonly device: string | null;
  /** Link (framing profile) in points.yml: registration and heartbeat rules, framing. */
  readonly link: string | null;
  /** Device profile in points.yml when `device` is set; otherwise points.yml's device matching decides. */
  readonly profile: string | null;
}

/** Where a mapped value comes from in a JSON document: a path like `a.b[0].c`. */
export type JsonPath = readonly (string | number)[];

/** A point fed from JSON (MQTT, HTTP) or OPC UA rather than from registers. */
export interface MappedPoint {
  readonly name: string;
  readonly scale: number;
  readonly offset: number;
  readonly decimals?: number;
  readonly unit?: string;
}

export interface JsonMappedPoint extends MappedPoint {
  readonly path: JsonPath;
  /** The path as written, for messages. */
  readonly pathText: string;
}

/** Which device a message belongs to: fixed, a topic level, or a field of the payload. */
export type DeviceSource =
  | { readonly kind: 'fixed'; readonly id: string }
  | { readonly kind: 'topic-level'; readonly level: number }
  | { readonly kind: 'json'; readonly path: JsonPath; readonly pathText: string };

export interface MqttSubscription {
  /** Topic filter, `+` and `#` wildcards allowed. */
  readonly topic: string;
  readonly device: DeviceSource;
  /** Payload field with the sample time (epoch ms, epoch s, or ISO text); null: receive time. */
  readonly timestamp: { readonly path: JsonPath; readonly pathText: string } | null;
  readonly points: readonly JsonMappedPoint[];
}

/** TLS of an mqtts://, wss:// or https:// connection. Files are read at each connect, so renewed ones apply at the next. */
export interface TlsConfig {
  /** PEM file with the CA certificate(s) to trust instead of the system's list; null: the system's. */
  readonly caFile: string | null;
  /** Client certificate and its key (PEM), for brokers that require mutual TLS. */
  readonly certFile: string | null;
  readonly keyFile: string | null;
  /** For an encrypted key. */
  readonly passphrase: string | null;
  /** false: accept any server certificate (a test bench only). */
  readonly rejectUnauthorized: boolean;
  /** The name the server certificate must carry (and SNI), when the URL has an IP address or another name. */
  readonly servername: string | null;
}

export interface MqttChannelConfig extends ChannelBase {
  readonly type: 'mqtt';
  /** mqtt://host:port or mqtts://host:port */
  readonly url: string;
  readonly clientId: string;
  readonly username: string | null;
  readonly password: string | null;
  readonly qos: 0 | 1 | 2;
  /** false: a persistent session, so QoS 1 messages sent while we were away are delivered. */
  readonly cleanSession: boolean;
  readonly keepaliveSeconds: number;
  readonly connectTimeoutMs: number;
  /** A message with a larger payload is counted as a collect error and dropped. */
  readonly maxPayloadBytes: number;
  /** null: no TLS settings (the system's CAs for mqtts:// and wss://). */
  readonly tls: TlsConfig | null;
  readonly subscriptions: readonly MqttSubscription[];
}

export interface HttpChannelConfig extends ChannelBase {
  readonly type: 'http';
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  /** Request body for POST (sent as given; set content-type in headers). */
  readonly body: string | null;
  readonly everyMs: number;
  readonly timeoutMs: number;
  /** null: no TLS settings (the system's CAs for https://). */
  readonly tls: TlsConfig | null;
  readonly device: string;
  readonly timestamp: { readonly path: JsonPath; readonly pathText: string } | null;
  readonly points: readonly JsonMappedPoint[];
}

export type OpcuaSecurityMode = 'None' | 'Sign' | 'SignAndEncrypt';
export type OpcuaSecurityPolicy =
  'None' | 'Basic128Rsa15' | 'Basic256' | 'Basic256Sha256' | 'Aes128_Sha256_RsaOaep' | 'Aes256_Sha256_RsaPss';

export interface OpcuaItem extends MappedPoint {
  readonly nodeId: string;
  readonly samplingIntervalMs: number;
}

export interface OpcuaChannelConfig extends ChannelBase {
  readonly type: 'opcua';
  /** opc.tcp://host:port/path */
  readonly endpoint: string;
  readonly securityMode: OpcuaSecurityMode;
  readonly securityPolicy: OpcuaSecurityPolicy;
  readonly username: string | null;
  readonly password: string | null;
  /**
   * The client's PKI: its own certificate (made on first use), trusted and rejected server
   * certificates. Relative paths are resolved against the working directory.
   */
  readonly pkiDir: string;
  /** true: trust any server certificate (and file it as trusted); false: only those in `<pkiDir>/trusted/certs`. */
  readonly acceptUnknownServerCertificate: boolean;
  readonly connectTimeoutMs: number;
  readonly publishingIntervalMs: number;
  readonly device: string;
  readonly items: readonly OpcuaItem[];
}

/** Mitsubishi MC protocol (3E or 4E frame) client: named PLC addresses read on a period. */
export interface McChannelConfig extends ChannelBase, TcpTarget {
  readonly type: 'mc';
  /** The code the PLC's Ethernet port is set to. */
  readonly frame: 'binary' | 'ascii';
  /** 3E, or 4E: the 3E frame with a serial number, so a late answer is told by its serial. */
  readonly frameType: '3e' | '4e';
  /** Start-to-start period of a round of reads. */
  readonly everyMs: number;
  /** How long one answer may take; the PLC's monitoring timer is set just below it. */
  readonly timeoutMs: number;
  readonly device: string;
  readonly tags: readonly McTag[];
}

/** Siemens S7 (S7-300/400/1200/1500) over ISO-on-TCP: its tags read together every `everyMs`. */
export interface S7ChannelConfig extends ChannelBase, TcpTarget {
  readonly type: 's7';
  /** Rack and slot of the CPU (S7-300/400: 0/2; S7-1200/1500: 0/1). */
  readonly rack: number;
  readonly slot: number;
  /** Start-to-start period of the reads. */
  readonly everyMs: number;
  /** A read or write without an answer for this long drops the connection. */
  readonly timeoutMs: number;
  readonly device: string;
  readonly tags: readonly S7Tag[];
}

export type ChannelConfig =
  | ModbusTcpChannelConfig
  | RtuOverTcpChannelConfig
  | MqttChannelConfig
  | HttpChannelConfig
  | OpcuaChannelConfig
  | McChannelConfig
  | S7ChannelConfig;
