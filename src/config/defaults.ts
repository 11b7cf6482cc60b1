// Defaults of server.yml `channels:`, not yet declared in their schema; the others are in
// schema/*.schema.ts. docs/CONFIG.md lists the same values.
// Chosen for cellular DTUs: round trips of seconds, slow RS-485 buses.

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** Outbound channels (server.yml `channels:`): reconnect 1 s doubling to 5 min, as most peers do. */
export const DEFAULT_CHANNEL = {
  backoff: { initialMs: SECOND, maxMs: 5 * MINUTE },
  connectTimeoutMs: 10 * SECOND,
  maxInFlight: 1,
  mqtt: { qos: 1, cleanSession: false, keepaliveSeconds: 60, maxPayloadBytes: 256 * 1024 },
  http: { method: 'GET', everyMs: 30 * SECOND, timeoutMs: 10 * SECOND },
  opcua: {
    securityMode: 'None',
    securityPolicy: 'None',
    pkiDir: 'data/pki',
    acceptUnknownServerCertificate: false,
    publishingIntervalMs: SECOND,
    samplingIntervalMs: SECOND,
  },
} as const;
