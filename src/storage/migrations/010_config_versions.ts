// Config history (issue 18): every version of points.yml and rules.yml saved from the UI,
// with who saved it, when and why, so any version can be compared with the file and rolled
// back. The file as found before its first save from the UI is kept too (action
// `baseline`), or the first edit could not be undone. Numbers 8 and 9 are taken by the live
// config reload and the device registry, developed at the same time.
import type { Migration } from './types.js';

export const configVersions: Migration = {
  version: 10,
  name: 'config_versions',
  statements(dialect) {
    const mysql = dialect === 'mysql';
    const id = mysql ? 'id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY' : 'id INTEGER PRIMARY KEY';
    const options = mysql ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin' : '';
    return [
      `CREATE TABLE config_versions (
        ${id},
        at BIGINT NOT NULL,
        actor VARCHAR(160) NOT NULL,
        file VARCHAR(64) NOT NULL,
        action VARCHAR(16) NOT NULL CHECK (action IN ('baseline', 'save', 'rollback')),
        rolled_back_to BIGINT NULL,
        comment TEXT NULL,
        sha256 CHAR(64) NOT NULL,
        content ${mysql ? 'MEDIUMTEXT' : 'TEXT'} NOT NULL
      )${options}`,
      `CREATE INDEX ix_config_versions_file ON config_versions (file, id)`,
    ];
  },
};
