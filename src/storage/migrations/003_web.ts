// Tables of the web server: accounts, API tokens and the audit log. Sessions stay in
// memory (a restart logs everybody out), so they have no table.
//
// Passwords and tokens are never stored: only scrypt hashes and SHA-256 digests. Usernames
// are kept in rows of the audit log as text, so deleting a user keeps what they did.
import type { Dialect, Migration } from './types.js';

function idColumn(dialect: Dialect): string {
  return dialect === 'sqlite' ? 'id INTEGER PRIMARY KEY' : 'id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY';
}

function tableOptions(dialect: Dialect): string {
  return dialect === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin' : '';
}

export const webSchema: Migration = {
  version: 3,
  name: 'web',
  statements(dialect) {
    const id = idColumn(dialect);
    const options = tableOptions(dialect);
    return [
      `CREATE TABLE web_users (
        ${id},
        username VARCHAR(64) NOT NULL,
        password_hash VARCHAR(255) NOT NULL,
        role VARCHAR(16) NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )${options}`,
      `CREATE UNIQUE INDEX ux_web_users_username ON web_users (username)`,

      `CREATE TABLE web_tokens (
        ${id},
        name VARCHAR(128) NOT NULL,
        token_hash CHAR(64) NOT NULL,
        role VARCHAR(16) NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
        created_by VARCHAR(64) NOT NULL,
        created_at BIGINT NOT NULL,
        last_used_at BIGINT NULL,
        expires_at BIGINT NULL
      )${options}`,
      `CREATE UNIQUE INDEX ux_web_tokens_hash ON web_tokens (token_hash)`,

      `CREATE TABLE web_audit (
        ${id},
        at BIGINT NOT NULL,
        actor VARCHAR(160) NOT NULL,
        ip VARCHAR(64) NOT NULL,
        action VARCHAR(32) NOT NULL,
        device VARCHAR(128) NULL,
        slave INTEGER NULL,
        fn INTEGER NULL,
        address INTEGER NULL,
        write_values TEXT NULL,
        result VARCHAR(64) NOT NULL,
        details TEXT NULL
      )${options}`,
      `CREATE INDEX ix_web_audit_time ON web_audit (at)`,
    ];
  },
};
