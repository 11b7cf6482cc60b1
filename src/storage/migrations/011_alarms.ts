// Alarms (issue 19): what a rule marked `alarm` raised, kept until it has both cleared and
// been acknowledged (docs/EVENTS.md, "Alarms"). One row per alarm; re-firing while it is
// open updates that row (fire_count), so the table grows with alarms, not with samples.
// Numbers 12 and 13 are taken by accounts and notifications, developed at the same time.
import type { Migration } from './types.js';

export const alarmsSchema: Migration = {
  version: 11,
  name: 'alarms',
  statements(dialect) {
    const mysql = dialect === 'mysql';
    const options = mysql ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin' : '';
    return [
      `CREATE TABLE alarms (
        id VARCHAR(36) NOT NULL PRIMARY KEY,
        rule VARCHAR(128) NOT NULL,
        registration_id VARCHAR(128) NULL,
        point VARCHAR(128) NULL,
        event_type VARCHAR(32) NOT NULL,
        severity VARCHAR(16) NOT NULL CHECK (severity IN ('critical', 'major', 'minor', 'warning', 'info')),
        value DOUBLE NULL,
        text VARCHAR(512) NOT NULL,
        raised_at BIGINT NOT NULL,
        fire_count INTEGER NOT NULL,
        cleared_at BIGINT NULL,
        clear_value DOUBLE NULL,
        acked_at BIGINT NULL,
        acked_by VARCHAR(160) NULL,
        ack_comment TEXT NULL,
        updated_at BIGINT NOT NULL
      )${options}`,
      `CREATE INDEX ix_alarms_raised ON alarms (raised_at)`,
      `CREATE INDEX ix_alarms_device ON alarms (registration_id, raised_at)`,
      // The open alarms, read at start: not both cleared and acknowledged.
      `CREATE INDEX ix_alarms_open ON alarms (cleared_at, acked_at)`,
    ];
  },
};
