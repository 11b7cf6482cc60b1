// How the account database's small stores run a statement; each dialect supplies one.
// Both SQLite and MySQL take `?` placeholders.
export type SqlParam = string | number | null;

export interface SqlRunner {
  all(sql: string, params: readonly SqlParam[]): Promise<Record<string, unknown>[]>;
  run(sql: string, params: readonly SqlParam[]): Promise<{ changes: number; insertId: number }>;
}
