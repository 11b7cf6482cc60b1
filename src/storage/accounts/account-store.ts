// Where users, API tokens and the audit log live: the same database as the history (SQLite
// file or MySQL), tables from migration 003. Writes are rare (logins, admin changes,
// register writes), so each store keeps its own small connection.
import type { Role } from '../../domain/accounts.js';
import type { ConfigVersionStore } from './config-version-store.js';

export interface UserRecord {
  readonly username: string;
  readonly role: Role;
  readonly passwordHash: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Set for a generated password: the user must choose their own before anything else. */
  readonly mustChangePassword?: boolean;
}

export interface UserChanges {
  readonly role?: Role;
  readonly passwordHash?: string;
  readonly mustChangePassword?: boolean;
  readonly at: number;
}

export interface TokenRecord {
  readonly id: number;
  readonly name: string;
  readonly role: Role;
  readonly createdBy: string;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
  readonly expiresAt: number | null;
}

export interface NewToken {
  readonly name: string;
  readonly digest: string;
  readonly role: Role;
  readonly createdBy: string;
  readonly at: number;
  readonly expiresAt: number | null;
}

export type AuditValue = number | boolean;

export interface AuditRecord {
  readonly at: number;
  /** Username, `token:<name>` for an API token, or `mqtt:<sink>` for an MQTT write-back. */
  readonly actor: string;
  readonly ip: string;
  readonly action: string;
  readonly device: string | null;
  readonly slave: number | null;
  readonly fn: number | null;
  readonly address: number | null;
  readonly values: readonly AuditValue[] | null;
  readonly result: string;
  readonly details: string | null;
}

export interface AuditRow extends AuditRecord {
  readonly id: number;
}

export interface AuditQuery {
  readonly actor?: string;
  readonly device?: string;
  readonly action?: string;
  readonly from?: number;
  readonly to?: number;
  readonly limit?: number;
  readonly order?: 'asc' | 'desc';
}

export interface AccountStore {
  /** Opens the connection and brings the schema up to date. */
  open(): Promise<void>;
  close(): Promise<void>;

  user(username: string): Promise<UserRecord | null>;
  users(): Promise<UserRecord[]>;
  /** False when the username is taken. */
  createUser(user: UserRecord): Promise<boolean>;
  /** False when there is no such user. */
  updateUser(username: string, changes: UserChanges): Promise<boolean>;
  deleteUser(username: string): Promise<boolean>;
  countAdmins(): Promise<number>;

  createToken(token: NewToken): Promise<TokenRecord>;
  tokens(): Promise<TokenRecord[]>;
  tokenByDigest(digest: string): Promise<TokenRecord | null>;
  touchToken(id: number, at: number): Promise<void>;
  deleteToken(id: number): Promise<boolean>;

  audit(record: AuditRecord): Promise<void>;
  auditLog(query: AuditQuery): Promise<AuditRow[]>;

  /** Saved versions of the config files edited from the UI (same database and connection). */
  readonly configVersions: ConfigVersionStore;
}
