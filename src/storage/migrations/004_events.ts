// Events and webhook deliveries (the event framework, docs/EVENTS.md).
//
// `events`: one row per event raised (device online/offline, poll failures, rule firings,
// …). The id is the event's own stable id, the one webhook receivers de-duplicate on, so
// a batch applied twice cannot store an event twice even without applied_batches.
//
// `webhook_deliveries`: the delivery queue and its log in one table. A row is one event
// going to one endpoint for one rule; it is read and updated in place as attempts are
// made (pending → delivered, or → dead after the last attempt), so it is written by the
// delivery store directly, not through the batched history writer. Dead letters are rows
// with status 'dead'; replaying one sets it back to pending.
import type { Migration } from './types.js';

export const eventsSchema: Migration = {
  version: 4,
  name: 'events',
  statements(dialect) {
    const options = dialect === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin' : '';
    return [
      `CREATE TABLE events (
        id VARCHAR(40) NOT NULL PRIMARY KEY,
        type VARCHAR(40) NOT NULL,
        registration_id VARCHAR(128) NULL,
        rule VARCHAR(64) NULL,
        at BIGINT NOT NULL,
        payload TEXT NOT NULL
      )${options}`,
      `CREATE INDEX ix_events_time ON events (at)`,
      `CREATE INDEX ix_events_device_time ON events (registration_id, at)`,
      `CREATE INDEX ix_events_type_time ON events (type, at)`,

      `CREATE TABLE webhook_deliveries (
        id VARCHAR(40) NOT NULL PRIMARY KEY,
        event_id VARCHAR(40) NOT NULL,
        event_type VARCHAR(40) NOT NULL,
        registration_id VARCHAR(128) NULL,
        endpoint VARCHAR(64) NOT NULL,
        rule VARCHAR(64) NOT NULL,
        body MEDIUMTEXT NOT NULL,
        status VARCHAR(10) NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
        attempts INTEGER NOT NULL,
        next_attempt_at BIGINT NOT NULL,
        last_status INTEGER NULL,
        last_error TEXT NULL,
        last_latency_ms INTEGER NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        delivered_at BIGINT NULL
      )${options}`,
      `CREATE UNIQUE INDEX ux_webhook_deliveries_event ON webhook_deliveries (event_id, endpoint, rule)`,
      `CREATE INDEX ix_webhook_deliveries_status ON webhook_deliveries (status, next_attempt_at)`,
      `CREATE INDEX ix_webhook_deliveries_time ON webhook_deliveries (created_at)`,
    ];
  },
};
