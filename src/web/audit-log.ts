// Records who did what. A failing audit write is logged, never thrown into the request
// that caused it: the write to the device has already happened by then.
import type { Logger } from '../log.js';
import type { AccountStore, AuditRecord } from '../storage/index.js';

export type AuditEntry = Omit<AuditRecord, 'at' | 'device' | 'slave' | 'fn' | 'address' | 'values' | 'details'> &
  Partial<Pick<AuditRecord, 'device' | 'slave' | 'fn' | 'address' | 'values' | 'details'>>;

export class AuditLog {
  constructor(
    private readonly accounts: AccountStore,
    private readonly log: Logger,
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    const record: AuditRecord = {
      at: Date.now(),
      device: null,
      slave: null,
      fn: null,
      address: null,
      values: null,
      details: null,
      ...entry,
    };
    try {
      await this.accounts.audit(record);
    } catch (err) {
      this.log.error({ err, audit: record }, 'audit record could not be stored');
    }
  }
}
