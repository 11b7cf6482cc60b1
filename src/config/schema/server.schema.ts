// JSON Schema of server.yml: structure, types, ranges and unknown keys. Cross-field rules
// (duplicate names and ports, link references) live in check-server.ts.
import { CHANNEL_SCHEMA } from './channels.schema.js';
import { DATA_SIZE, DURATION, DURATION_OR_AUTO, HOST, NAME, PORT, POSITIVE_INT, strictObject, type JsonSchema } from './common.js';

const listener = strictObject({ name: NAME, host: HOST, port: PORT, link: NAME }, ['name', 'port', 'link']);

export const SERVER_SCHEMA: JsonSchema = strictObject(
  {
    version: { const: 1 },
    listeners: { type: 'array', items: listener },
    channels: { type: 'array', items: CHANNEL_SCHEMA },
    web: strictObject({
      enabled: { type: 'boolean' },
      host: HOST,
      port: PORT,
      admin: strictObject({
        username: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' },
        password: { type: 'string', minLength: 8, 'x-message': 'must be a string of at least 8 characters' },
      }),
      sessionTtl: DURATION,
      secureCookies: { type: 'boolean' },
      lockout: strictObject({ maxFailures: POSITIVE_INT, duration: DURATION }),
      live: strictObject({ keepAlive: DURATION, maxBufferedBytes: { type: 'integer', minimum: 1024 }, unreachableAfter: POSITIVE_INT }),
    }),
    sessions: strictObject({
      heartbeatInterval: DURATION,
      heartbeatMaxMisses: POSITIVE_INT,
      registrationTimeout: DURATION,
      maxConnections: POSITIVE_INT,
      maxInputBytes: { type: 'integer', minimum: 64 },
      connectStagger: DURATION,
      timerResolution: DURATION_OR_AUTO,
    }),
    // One object for both drivers; compile-server.ts reports keys that do not fit the driver.
    storage: strictObject({
      driver: { enum: ['sqlite', 'mysql'] },
      path: { type: 'string', minLength: 1 },
      cacheSize: DATA_SIZE,
      host: HOST,
      port: PORT,
      user: { type: 'string', minLength: 1 },
      password: { type: ['string', 'number'] },
      database: { type: 'string', minLength: 1, maxLength: 64 },
      poolSize: { type: 'integer', minimum: 2, maximum: 100 },
      tls: { type: 'boolean' },
      spill: strictObject({ dir: { type: 'string', minLength: 1 }, maxSize: DATA_SIZE, writeTimeout: DURATION }),
    }),
    writeBuffer: strictObject({ maxRows: POSITIVE_INT, flushInterval: DURATION, idleFlushDelay: DURATION, maxPendingRows: POSITIVE_INT }),
    retention: strictObject({
      deviceData: DURATION,
      heartbeatLog: DURATION,
      rawPackets: DURATION,
      connectionHistory: DURATION,
      rawPacketsMaxRows: { type: 'integer', minimum: 0 },
      recordRawPackets: { enum: ['none', 'errors', 'all'] },
      sweepInterval: DURATION,
    }),
    logging: strictObject({
      level: { enum: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] },
      pretty: { type: 'boolean' },
    }),
  },
  ['version', 'listeners'],
);
