// The audit log for writes that do not come through the web API (MQTT write-back): the same
// table as the API's writes (web_audit, in the history's database), through an account
// store of its own. It opens at the first record, so an app whose sinks never take a write
// opens nothing, and a database that was away is tried again at the next record.
import type { AccountStore, AuditRecord } from './account-store.js';

export class AuditTrail {
  private store: AccountStore | null = null;
  private opening: Promise<AccountStore> | null = null;
  /** Set by close(): a write-back answered during shutdown must not reopen the store. */
  private closed = false;

  constructor(private readonly make: () => AccountStore) {}

  /** Takes records again after close() (the app started again). */
  open(): void {
    this.closed = false;
  }

  /** Stores the record; throws when the database cannot take it (the caller logs it). */
  async record(record: AuditRecord): Promise<void> {
    if (this.closed) throw new Error('the audit log is closed (dtuhub is stopping)');
    await (await this.opened()).audit(record);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.opening?.catch(() => undefined);
    const store = this.store;
    this.store = null;
    await store?.close();
  }

  private opened(): Promise<AccountStore> {
    if (this.store) return Promise.resolve(this.store);
    this.opening ??= (async () => {
      const store = this.make();
      try {
        await store.open();
      } catch (err) {
        await store.close().catch(() => undefined);
        throw err;
      }
      this.store = store;
      return store;
    })().finally(() => {
      this.opening = null;
    });
    return this.opening;
  }
}
