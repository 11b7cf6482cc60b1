// JSON Schema of server.yml `channels:`. One object for every channel type (like storage);
// compile-channels.ts reports keys that do not fit the channel's type and the cross-file
// references (profiles and links in points.yml).
import { DATA_SIZE, DURATION, HOST, NAME, PORT, strictObject, type JsonSchema } from './common.js';

const TEXT: JsonSchema = { type: 'string', minLength: 1 };
const SECRET: JsonSchema = { type: ['string', 'number'] };

/** A path into a JSON document: `temp`, `data.values[0].v`. */
const JSON_PATH: JsonSchema = {
  type: 'string',
  minLength: 1,
  pattern: '^[^.\\[\\]]+(\\[\\d+\\])*(\\.[^.\\[\\]]+(\\[\\d+\\])*)*$',
  'x-message': 'must be a path like temp or data.values[0].v',
};

const MAPPING = {
  name: NAME,
  scale: { type: 'number' },
  offset: { type: 'number' },
  decimals: { type: 'integer', minimum: 0, maximum: 12 },
  unit: { type: 'string', maxLength: 32 },
};

const JSON_POINT = strictObject({ ...MAPPING, path: JSON_PATH }, ['name', 'path']);

const subscription = strictObject(
  {
    topic: TEXT,
    // A fixed ID, or where to find it: `topic:2` (third topic level) or `json:meta.id`.
    device: TEXT,
    timestamp: JSON_PATH,
    points: { type: 'array', minItems: 1, items: JSON_POINT },
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

const opcuaItem = strictObject({ ...MAPPING, nodeId: NODE_ID, samplingInterval: DURATION }, ['name', 'nodeId']);

export const CHANNEL_SCHEMA: JsonSchema = strictObject(
  {
    name: NAME,
    type: { enum: ['modbus-tcp', 'rtu-over-tcp', 'mqtt', 'http', 'opcua'] },
    enabled: { type: 'boolean' },
    backoff: strictObject({ initial: DURATION, max: DURATION }),
    // tcp (modbus-tcp, rtu-over-tcp)
    host: HOST,
    port: PORT,
    connectTimeout: DURATION,
    device: TEXT,
    profile: NAME,
    link: NAME,
    maxInFlight: { type: 'integer', minimum: 1, maximum: 64 },
    // mqtt
    url: TEXT,
    clientId: { type: 'string', minLength: 1, maxLength: 128 },
    username: { type: ['string', 'number'] },
    password: SECRET,
    qos: { enum: [0, 1, 2] },
    cleanSession: { type: 'boolean' },
    keepalive: DURATION,
    maxPayload: DATA_SIZE,
    subscriptions: { type: 'array', minItems: 1, items: subscription },
    // http
    method: { enum: ['GET', 'POST'] },
    headers: { type: 'object', additionalProperties: { type: ['string', 'number'] } },
    body: { type: 'string' },
    every: DURATION,
    timeout: DURATION,
    timestamp: JSON_PATH,
    // mqtt, http
    tls: strictObject({
      ca: TEXT,
      cert: TEXT,
      key: TEXT,
      passphrase: SECRET,
      rejectUnauthorized: { type: 'boolean' },
      servername: TEXT,
    }),
    points: { type: 'array', minItems: 1, items: JSON_POINT },
    // opcua
    endpoint: TEXT,
    securityMode: { enum: ['None', 'Sign', 'SignAndEncrypt'] },
    securityPolicy: {
      enum: ['None', 'Basic128Rsa15', 'Basic256', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'],
    },
    pkiDir: TEXT,
    acceptUnknownServerCertificate: { type: 'boolean' },
    publishingInterval: DURATION,
    items: { type: 'array', minItems: 1, items: opcuaItem },
  },
  ['name', 'type'],
);
