// The account store's SQL, shared by SQLite and MySQL: both take `?` placeholders and the
// tables of migration 003 mean the same in both. Each dialect only supplies how to run a
// statement.
import { isRole, type Role } from '../../domain/accounts.js';
import type {
  AccountStore,
  AuditQuery,
  AuditRecord,
  AuditRow,
  AuditValue,
  NewToken,
  TokenRecord,
  UserChanges,
  UserRecord,
} from './account-store.js';
import { SqlConfigVersionStore, type ConfigVersionStore } from './config-version-store.js';
import type { SqlParam, SqlRunner } from './sql-runner.js';

export type { SqlParam, SqlRunner } from './sql-runner.js';

const MAX_AUDIT_LIMIT = 10_000;
const USER_COLUMNS = 'username, role, password_hash, created_at, updated_at, must_change_password';
const TOKEN_COLUMNS = 'id, name, role, created_by, created_at, last_used_at, expires_at';
const AUDIT_COLUMNS = 'id, at, actor, ip, action, device, slave, fn, address, write_values, result, details';

export abstract class SqlAccountStore implements AccountStore {
  readonly configVersions: ConfigVersionStore = new SqlConfigVersionStore(() => this.runner());
  /** The open connection's runner; throws AccountStoreUnavailableError when there is none. */
  protected abstract runner(): SqlRunner;
  abstract open(): Promise<void>;
  abstract close(): Promise<void>;

  async user(username: string): Promise<UserRecord | null> {
    const rows = await this.runner().all(`SELECT ${USER_COLUMNS} FROM web_users WHERE username = ?`, [username]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  async users(): Promise<UserRecord[]> {
    return (await this.runner().all(`SELECT ${USER_COLUMNS} FROM web_users ORDER BY username`, [])).map(toUser);
  }

  async createUser(user: UserRecord): Promise<boolean> {
    if (await this.user(user.username)) return false;
    try {
      await this.runner().run(
        'INSERT INTO web_users (username, password_hash, role, created_at, updated_at, must_change_password) VALUES (?, ?, ?, ?, ?, ?)',
        [user.username, user.passwordHash, user.role, user.createdAt, user.updatedAt, user.mustChangePassword ? 1 : 0],
      );
      return true;
    } catch (err) {
      // Two admins creating the same name at once: the unique index decides.
      if (await this.user(user.username)) return false;
      throw err;
    }
  }

  async updateUser(username: string, changes: UserChanges): Promise<boolean> {
    const sets = ['updated_at = ?'];
    const params: SqlParam[] = [changes.at];
    if (changes.role !== undefined) {
      sets.push('role = ?');
      params.push(changes.role);
    }
    if (changes.passwordHash !== undefined) {
      sets.push('password_hash = ?');
      params.push(changes.passwordHash);
    }
    if (changes.mustChangePassword !== undefined) {
      sets.push('must_change_password = ?');
      params.push(changes.mustChangePassword ? 1 : 0);
    }
    const result = await this.runner().run(`UPDATE web_users SET ${sets.join(', ')} WHERE username = ?`, [
      ...params,
      username,
    ]);
    return result.changes > 0;
  }

  async deleteUser(username: string): Promise<boolean> {
    return (await this.runner().run('DELETE FROM web_users WHERE username = ?', [username])).changes > 0;
  }

  async countAdmins(): Promise<number> {
    const rows = await this.runner().all(`SELECT COUNT(*) AS n FROM web_users WHERE role = 'admin'`, []);
    return Number(rows[0]?.['n'] ?? 0);
  }

  async createToken(token: NewToken): Promise<TokenRecord> {
    const { insertId } = await this.runner().run(
      'INSERT INTO web_tokens (name, token_hash, role, created_by, created_at, last_used_at, expires_at) VALUES (?, ?, ?, ?, ?, NULL, ?)',
      [token.name, token.digest, token.role, token.createdBy, token.at, token.expiresAt],
    );
    return {
      id: insertId,
      name: token.name,
      role: token.role,
      createdBy: token.createdBy,
      createdAt: token.at,
      lastUsedAt: null,
      expiresAt: token.expiresAt,
    };
  }

  async tokens(): Promise<TokenRecord[]> {
    return (await this.runner().all(`SELECT ${TOKEN_COLUMNS} FROM web_tokens ORDER BY id`, [])).map(toToken);
  }

  async tokenByDigest(digest: string): Promise<TokenRecord | null> {
    const rows = await this.runner().all(`SELECT ${TOKEN_COLUMNS} FROM web_tokens WHERE token_hash = ?`, [digest]);
    return rows[0] ? toToken(rows[0]) : null;
  }

  async touchToken(id: number, at: number): Promise<void> {
    await this.runner().run('UPDATE web_tokens SET last_used_at = ? WHERE id = ?', [at, id]);
  }

  async deleteToken(id: number): Promise<boolean> {
    return (await this.runner().run('DELETE FROM web_tokens WHERE id = ?', [id])).changes > 0;
  }

  async audit(record: AuditRecord): Promise<void> {
    await this.runner().run(
      `INSERT INTO web_audit (at, actor, ip, action, device, slave, fn, address, write_values, result, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        record.at,
        record.actor,
        record.ip,
        record.action,
        record.device,
        record.slave,
        record.fn,
        record.address,
        record.values ? JSON.stringify(record.values) : null,
        record.result,
        record.details,
      ],
    );
  }

  async auditLog(query: AuditQuery): Promise<AuditRow[]> {
    const where: string[] = ['at >= ?', 'at < ?'];
    const params: SqlParam[] = [query.from ?? 0, query.to ?? Number.MAX_SAFE_INTEGER];
    for (const [column, value] of [
      ['actor', query.actor],
      ['device', query.device],
      ['action', query.action],
    ] as const) {
      if (value === undefined) continue;
      where.push(`${column} = ?`);
      params.push(value);
    }
    const direction = query.order === 'asc' ? 'ASC' : 'DESC';
    const limit = Math.min(Math.max(1, Math.floor(query.limit ?? 1000)), MAX_AUDIT_LIMIT);
    const rows = await this.runner().all(
      `SELECT ${AUDIT_COLUMNS} FROM web_audit WHERE ${where.join(' AND ')} ORDER BY at ${direction}, id ${direction} LIMIT ${limit}`,
      params,
    );
    return rows.map(toAudit);
  }
}

function role(value: unknown): Role {
  return isRole(value) ? value : 'viewer';
}

const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function toUser(r: Record<string, unknown>): UserRecord {
  return {
    username: String(r['username']),
    role: role(r['role']),
    passwordHash: String(r['password_hash']),
    createdAt: Number(r['created_at']),
    updatedAt: Number(r['updated_at']),
    mustChangePassword: Number(r['must_change_password'] ?? 0) !== 0,
  };
}

function toToken(r: Record<string, unknown>): TokenRecord {
  return {
    id: Number(r['id']),
    name: String(r['name']),
    role: role(r['role']),
    createdBy: String(r['created_by']),
    createdAt: Number(r['created_at']),
    lastUsedAt: numOrNull(r['last_used_at']),
    expiresAt: numOrNull(r['expires_at']),
  };
}

function toAudit(r: Record<string, unknown>): AuditRow {
  const values = r['write_values'];
  return {
    id: Number(r['id']),
    at: Number(r['at']),
    actor: String(r['actor']),
    ip: String(r['ip']),
    action: String(r['action']),
    device: strOrNull(r['device']),
    slave: numOrNull(r['slave']),
    fn: numOrNull(r['fn']),
    address: numOrNull(r['address']),
    values: typeof values === 'string' ? (JSON.parse(values) as AuditValue[]) : null,
    result: String(r['result']),
    details: strOrNull(r['details']),
  };
}
