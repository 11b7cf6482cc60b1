// JSON Schema of server.yml `channels:`, declared once per key: type, range, default and
// description. One object for every channel type (like storage), so the "unknown key"
// messages name every channel key; the schema fills in every type's defaults and
// compile-channels.ts asks which keys were written to report those that do not fit the
// channel's type, what each type requires, and the cross-field rules (securityPolicy
// follows securityMode, clientId follows the name). docs/CHANNELS.md is tested against it.
import { DATA_SIZE, DURATION, HOST, NAME, PORT, strictObject, type JsonSchema } from './common.js';
import { S7_CHANNEL_PROPERTIES } from './s7.schema.js';

const TEXT: JsonSchema = { type: 'string', minLength: 1 };
const SECRET: JsonSchema = { type: ['string', 'number'] };

/** A path into a JSON document: `temp`, `data.values[0].v`. */
const JSON_PATH: JsonSchema = {
  type: 'string',
  minLength: 1,
  pattern: '^[^.\\[\\]]+(\\[\\d+\\])*(\\.[^.\\[\\]]+(\\[\\d+\\])*)*$',
  'x-message': 'must be a path like temp or data.values[0].v',
};

const d = (schema: JsonSchema, description: string, value?: unknown): JsonSchema =>
  value === undefined ? { ...schema, description } : { ...schema, default: value, description };

const MAPPING = {
  name: d(NAME, 'Point name, unique within the list.'),
  scale: d({ type: 'number' }, 'value = raw × scale + offset.', 1),
  offset: d({ type: 'number' }, 'value = raw × scale + offset.', 0),
  decimals: d({ type: 'integer', minimum: 0, maximum: 12 }, 'Round the result to this many decimals.'),
  unit: d({ type: 'string', maxLength: 32 }, 'Shown with the values.'),
};

export const JSON_POINT_SCHEMA: JsonSchema = strictObject(
  { ...MAPPING, path: d(JSON_PATH, 'Where the value is in the document.') },
  ['name', 'path'],
);

export const SUBSCRIPTION_SCHEMA: JsonSchema = strictObject(
  {
    topic: d(TEXT, 'Topic filter.'),
    // A fixed ID, or where to find it: `topic:2` (third topic level) or `json:meta.id`.
    device: d(TEXT, 'topic:N, json:path, or a fixed registration ID.'),
    timestamp: d(JSON_PATH, 'Path of the sample time in the payload.'),
    points: d({ type: 'array', minItems: 1, items: JSON_POINT_SCHEMA }, 'The points of each message.'),
  },
  ['topic', 'device', 'points'],
);

/** An OPC UA node id as text (Part 6, 5.3.1.10): `ns=2;s=Boiler.Temp`, `i=2258`, `nsu=urn:x;s=A`. */
const NODE_ID: JsonSchema = {
  type: 'string',
  pattern:
    '^((ns=\\d+|nsu=[^;]+);)?(i=\\d+|s=.+|g=[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|b=[A-Za-z0-9+/=]+)$',
  'x-message': 'must be a node id like ns=2;s=Boiler.Temp or ns=3;i=1001',
};

export const OPCUA_ITEM_SCHEMA: JsonSchema = strictObject(
  {
    ...MAPPING,
    nodeId: d(NODE_ID, 'The variable, as OPC UA prints its node id.'),
    samplingInterval: d(DURATION, 'How often the server samples the variable.', '1s'),
  },
  ['name', 'nodeId'],
);

export const TLS_SCHEMA: JsonSchema = strictObject({
  ca: d(TEXT, 'PEM file of a private CA.'),
  cert: d(TEXT, 'PEM file of the client certificate; goes with key.'),
  key: d(TEXT, 'PEM file of the client key; goes with cert.'),
  passphrase: d(SECRET, 'Of an encrypted key.'),
  rejectUnauthorized: d({ type: 'boolean' }, 'false accepts any server certificate (test benches only).', true),
  servername: d(TEXT, 'The name the server certificate must carry (SNI).'),
});

/** A MELSEC address: device kind letter and number (X, Y, W in hex). compile-mc-tags.ts checks the rest. */
// Chosen for cellular DTUs and slow RS-485 buses: reconnect 1 s doubling to 5 min, as most peers do.
export const BACKOFF_SCHEMA: JsonSchema = strictObject({
  initial: d(DURATION, 'First wait after a failure.', '1s'),
  max: d(DURATION, 'Longest wait; at least initial.', '5m'),
});

export const CHANNEL_SCHEMA: JsonSchema = strictObject(
  {
    name: d(NAME, 'Unique among channels and listeners.'),
    type: d({ enum: ['modbus-tcp', 'rtu-over-tcp', 'mqtt', 'http', 'opcua', 'mc', 's7'] }, 'The protocol.'),
    enabled: d({ type: 'boolean' }, 'false: configured, not started.', true),
    backoff: { ...BACKOFF_SCHEMA, default: {}, description: 'Reconnect wait, doubling after each failure.' },
    // tcp (modbus-tcp, rtu-over-tcp, mc, s7)
    host: d(HOST, 'modbus-tcp, rtu-over-tcp, mc, s7: address of the peer.'),
    port: d(PORT, 'modbus-tcp, rtu-over-tcp, mc, s7: its port.'),
    connectTimeout: d(DURATION, 'All but http: a longer connect attempt fails.', '10s'),
    device: d(TEXT, 'Registration ID of the device the values belong to.'),
    profile: d(NAME, 'modbus-tcp, rtu-over-tcp: a profile in points.yml.'),
    link: d(NAME, 'rtu-over-tcp: a link in points.yml.'),
    maxInFlight: d({ type: 'integer', minimum: 1, maximum: 64 }, 'modbus-tcp: requests sent before an answer.', 1),
    // mqtt
    url: d(TEXT, 'mqtt, http: the URL.'),
    clientId: d({ type: 'string', minLength: 1, maxLength: 128 }, 'mqtt: client ID (dtuhub-<name>).'),
    username: d({ type: ['string', 'number'] }, 'mqtt, opcua: login.'),
    password: d(SECRET, 'mqtt, opcua: its password.'),
    qos: d({ enum: [0, 1, 2] }, 'mqtt: QoS of every subscription.', 1),
    cleanSession: d({ type: 'boolean' }, 'mqtt: true forgets the session on disconnect.', false),
    keepalive: d(DURATION, 'mqtt: keepalive, whole seconds.', '60s'),
    maxPayload: d(DATA_SIZE, 'mqtt: larger messages are dropped.', '256KiB'),
    subscriptions: d({ type: 'array', minItems: 1, items: SUBSCRIPTION_SCHEMA }, 'mqtt: one or more.'),
    // http
    method: d({ enum: ['GET', 'POST'] }, 'http: GET or POST.', 'GET'),
    headers: d({ type: 'object', additionalProperties: { type: ['string', 'number'] } }, 'http: sent every time.'),
    body: d({ type: 'string' }, 'http: request body for POST.'),
    every: d(DURATION, 'http, mc, s7: start-to-start period.', '30s'),
    timeout: d(DURATION, 'http: for the whole request; mc: for each answer; s7: for one read or write.', '10s'),
    timestamp: d(JSON_PATH, 'http: path of the sample time.'),
    // mqtt, http
    tls: d(TLS_SCHEMA, 'mqtt, http: TLS options.'),
    points: d({ type: 'array', minItems: 1, items: JSON_POINT_SCHEMA }, 'http: the points of each response.'),
    // opcua
    endpoint: d(TEXT, 'opcua: opc.tcp:// URL.'),
    securityMode: d({ enum: ['None', 'Sign', 'SignAndEncrypt'] }, 'opcua: message security.', 'None'),
    // No default: it follows securityMode (compile-channels.ts).
    securityPolicy: d(
      {
        enum: ['None', 'Basic128Rsa15', 'Basic256', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'],
      },
      'opcua: security policy.',
    ),
    pkiDir: d(TEXT, 'opcua: client certificate and trust lists.', 'data/pki'),
    acceptUnknownServerCertificate: d({ type: 'boolean' }, 'opcua: trust any server on first sight.', false),
    publishingInterval: d(DURATION, 'opcua: how often changes are sent.', '1s'),
    items: d({ type: 'array', minItems: 1, items: OPCUA_ITEM_SCHEMA }, 'opcua: one per variable.'),
    // mc
    frame: d({ enum: ['binary', 'ascii'] }, 'mc: the code the PLC port is set to.', 'binary'),
    frameType: d({ enum: ['3e', '4e'] }, 'mc: 3e, or 4e (3E plus a serial number the answer carries back).', '3e'),
    // s7 (and tags:, shared with mc)
    ...S7_CHANNEL_PROPERTIES,
  },
  ['name', 'type'],
);
