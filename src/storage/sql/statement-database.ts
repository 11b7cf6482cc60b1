// How the small stores kept in the history's database (the device registry, alarms) run
// their SQL. Both dialects take `?` placeholders, so a store writes its SQL once and gets
// a StatementDatabase for the configured driver: a connection or pool of its own, opened
// by start() and given back by close().
export type SqlParam = string | number | null;

export type SqlStatement = readonly [sql: string, params: readonly SqlParam[]];

export interface StatementRunner {
  all(sql: string, params: readonly SqlParam[]): Promise<Record<string, unknown>[]>;
  /** The number of rows the statement changed. */
  run(sql: string, params: readonly SqlParam[]): Promise<number>;
  /** Runs every statement in one transaction: all applied, or none. */
  atomically(statements: readonly SqlStatement[]): Promise<void>;
}

export interface StatementDatabase {
  start(): Promise<void>;
  close(): Promise<void>;
  /** Throws while the database is not open. */
  runner(): StatementRunner;
}

/** A store that keeps its rows through a StatementDatabase: opened and closed with it. */
export abstract class StatementStore {
  constructor(private readonly db: StatementDatabase) {}

  start(): Promise<void> {
    return this.db.start();
  }

  close(): Promise<void> {
    return this.db.close();
  }

  protected runner(): StatementRunner {
    return this.db.runner();
  }
}
