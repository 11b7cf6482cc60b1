// Saved versions of the config files edited from the UI (table config_versions, migration
// 010), in the account store's database and through its connection: saves are rare, and an
// admin who can log in can also version.
import { createHash } from 'node:crypto';
import type { SqlParam, SqlRunner } from './sql-runner.js';

export type ConfigVersionAction = 'baseline' | 'save' | 'rollback';

export interface ConfigVersion {
  readonly id: number;
  readonly at: number;
  /** Username, or `token:<name>` for an API token. */
  readonly actor: string;
  /** File name in the config directory, e.g. `points.yml`. */
  readonly file: string;
  readonly action: ConfigVersionAction;
  /** For a rollback: the version whose content it restored. */
  readonly rolledBackTo: number | null;
  readonly comment: string | null;
  /** SHA-256 of the content, hex: tells whether the file on disk is this version. */
  readonly sha256: string;
}

export interface ConfigVersionWithContent extends ConfigVersion {
  readonly content: string;
}

export type NewConfigVersion = Omit<ConfigVersionWithContent, 'id' | 'sha256'>;

export interface ConfigVersionStore {
  add(version: NewConfigVersion): Promise<ConfigVersion>;
  /** Newest first, without contents; all files unless one is named. */
  list(query: { file?: string; limit?: number }): Promise<ConfigVersion[]>;
  get(id: number): Promise<ConfigVersionWithContent | null>;
  /** Whether any version of `file` is kept (the first save from the UI keeps a baseline first). */
  has(file: string): Promise<boolean>;
}

export function contentDigest(content: string): string {
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

const COLUMNS = 'id, at, actor, file, action, rolled_back_to, comment, sha256';
const MAX_LIST = 1000;

export class SqlConfigVersionStore implements ConfigVersionStore {
  /** `runner` is asked on every call: the connection may open and close under the store. */
  constructor(private readonly runner: () => SqlRunner) {}

  async add(version: NewConfigVersion): Promise<ConfigVersion> {
    const sha256 = contentDigest(version.content);
    const params: SqlParam[] = [
      version.at,
      version.actor,
      version.file,
      version.action,
      version.rolledBackTo,
      version.comment,
      sha256,
      version.content,
    ];
    const { insertId } = await this.runner().run(
      'INSERT INTO config_versions (at, actor, file, action, rolled_back_to, comment, sha256, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      params,
    );
    const { content: _content, ...rest } = version;
    return { id: insertId, ...rest, sha256 };
  }

  async list(query: { file?: string; limit?: number }): Promise<ConfigVersion[]> {
    const limit = Math.min(Math.max(1, Math.floor(query.limit ?? 100)), MAX_LIST);
    const where = query.file === undefined ? '' : 'WHERE file = ?';
    const rows = await this.runner().all(
      `SELECT ${COLUMNS} FROM config_versions ${where} ORDER BY id DESC LIMIT ${limit}`,
      query.file === undefined ? [] : [query.file],
    );
    return rows.map(toVersion);
  }

  async get(id: number): Promise<ConfigVersionWithContent | null> {
    const rows = await this.runner().all(`SELECT ${COLUMNS}, content FROM config_versions WHERE id = ?`, [id]);
    const row = rows[0];
    return row ? { ...toVersion(row), content: String(row['content']) } : null;
  }

  async has(file: string): Promise<boolean> {
    return (await this.runner().all('SELECT id FROM config_versions WHERE file = ? LIMIT 1', [file])).length > 0;
  }
}

function toVersion(r: Record<string, unknown>): ConfigVersion {
  const action = String(r['action']);
  return {
    id: Number(r['id']),
    at: Number(r['at']),
    actor: String(r['actor']),
    file: String(r['file']),
    action: action === 'baseline' || action === 'rollback' ? action : 'save',
    rolledBackTo:
      r['rolled_back_to'] === null || r['rolled_back_to'] === undefined ? null : Number(r['rolled_back_to']),
    comment: r['comment'] === null || r['comment'] === undefined ? null : String(r['comment']),
    sha256: String(r['sha256']),
  };
}
