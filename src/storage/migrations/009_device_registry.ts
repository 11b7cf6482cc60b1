// The device registry (issue 18): what an operator says about a device, beside what the
// gateway records about it. `devices` already had `name`; from here on only the registry
// writes it (the history writer stopped copying points.yml's name into it: points.yml is
// configuration, applied over the stored value when read, so removing a name there shows
// the registry's again).
//
// A device can now be registered before it ever connects: such a row has first_seen and
// last_seen 0, status 'offline' and no address; its first registration fills them in.
// `tags` is a JSON array of strings. `enabled` 0 refuses the device's connections.
import type { Migration } from './types.js';

export const deviceRegistry: Migration = {
  version: 9,
  name: 'device_registry',
  statements() {
    return [
      'ALTER TABLE devices ADD COLUMN description TEXT NULL',
      'ALTER TABLE devices ADD COLUMN location VARCHAR(255) NULL',
      'ALTER TABLE devices ADD COLUMN latitude DOUBLE NULL',
      'ALTER TABLE devices ADD COLUMN longitude DOUBLE NULL',
      'ALTER TABLE devices ADD COLUMN tags TEXT NULL',
      'ALTER TABLE devices ADD COLUMN device_group VARCHAR(128) NULL',
      'ALTER TABLE devices ADD COLUMN profile_override VARCHAR(128) NULL',
      'ALTER TABLE devices ADD COLUMN enabled TINYINT NOT NULL DEFAULT 1',
      'ALTER TABLE devices ADD COLUMN notes TEXT NULL',
      'ALTER TABLE devices ADD COLUMN registry_updated_at BIGINT NULL',
    ];
  },
};
