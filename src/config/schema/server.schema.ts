// JSON Schema of server.yml: structure, types, ranges and unknown keys. Cross-field rules
// (duplicate names and ports, link references) live in check-server.ts.
import { DURATION, HOST, NAME, PORT, POSITIVE_INT, strictObject, type JsonSchema } from './common.js';

const listener = strictObject({ name: NAME, host: HOST, port: PORT, link: NAME }, ['name', 'port', 'link']);

export const SERVER_SCHEMA: JsonSchema = strictObject(
  {
    version: { const: 1 },
    listeners: { type: 'array', items: listener },
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
    }),
    storage: strictObject({ driver: { enum: ['sqlite'] }, path: { type: 'string', minLength: 1 } }),
    writeBuffer: strictObject({ maxRows: POSITIVE_INT, flushInterval: DURATION }),
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
