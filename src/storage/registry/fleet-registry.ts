// The device registry in memory, written through to the database: a registration asks
// memory only (a fleet of thousands reconnecting at once must not wait on the database),
// and an operator's change is in memory once the database has it. Loaded whole at start
// (10,000 entries are a few MB). Not to be confused with the gateway's DeviceRegistry of
// sessions online now.
import {
  EMPTY_REGISTRY_FIELDS,
  type RegistryEntry,
  type RegistryFields,
  type RegistryLookup,
} from '../../domain/registry.js';
import type { Logger } from '../../log.js';
import type { RegistryStore, RemoveOutcome } from './registry-store.js';

export class FleetRegistry implements RegistryLookup {
  private readonly byId = new Map<string, RegistryEntry>();
  private retry: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly store: RegistryStore,
    private readonly log: Logger,
    private readonly retryMs = 5000,
  ) {}

  /**
   * Loads the registry. A database that cannot be read now (MySQL down at start) does not
   * stop dtuhub: the registry starts empty (points.yml alone decides) and loads when it can.
   */
  async start(): Promise<void> {
    this.stopped = false;
    await this.store.start();
    await this.load();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    await this.store.close();
  }

  private async load(): Promise<void> {
    this.retry = null;
    try {
      const entries = await this.store.entries();
      // Entries first seen while the database was away are kept; the database's win.
      for (const entry of entries) this.byId.set(entry.registrationId, entry);
      this.log.info({ devices: entries.length }, 'device registry loaded');
    } catch (err) {
      if (this.stopped) return;
      this.log.warn({ err, retryInMs: this.retryMs }, 'device registry cannot be read yet: points.yml alone decides');
      this.retry = setTimeout(() => void this.load(), this.retryMs);
      this.retry.unref();
    }
  }

  entry(registrationId: string): RegistryEntry | undefined {
    return this.byId.get(registrationId);
  }

  entries(): IterableIterator<RegistryEntry> {
    return this.byId.values();
  }

  get size(): number {
    return this.byId.size;
  }

  /**
   * A device registered for the first time: its entry exists from now on (the history
   * writer creates the row, with the same name, so nothing is written here).
   */
  noteRegistered(registrationId: string, name: string | null): void {
    if (!this.byId.has(registrationId))
      this.byId.set(registrationId, { ...EMPTY_REGISTRY_FIELDS, registrationId, name, updatedAt: null });
  }

  /** Pre-registers a device; false when the ID is registered already. */
  async create(registrationId: string, fields: Partial<RegistryFields>, at: number): Promise<RegistryEntry | null> {
    if (this.byId.has(registrationId)) return null;
    const entry: RegistryEntry = { ...EMPTY_REGISTRY_FIELDS, ...fields, registrationId, updatedAt: at };
    await this.store.save(entry);
    this.byId.set(registrationId, entry);
    return entry;
  }

  /** Null when the ID is not registered. */
  async update(registrationId: string, changes: Partial<RegistryFields>, at: number): Promise<RegistryEntry | null> {
    const old = this.byId.get(registrationId);
    if (!old) return null;
    const entry: RegistryEntry = { ...old, ...changes, registrationId, updatedAt: at };
    await this.store.save(entry);
    this.byId.set(registrationId, entry);
    return entry;
  }

  async remove(registrationId: string): Promise<RemoveOutcome> {
    const outcome = await this.store.remove(registrationId);
    if (outcome !== 'has_history') this.byId.delete(registrationId);
    return outcome;
  }

  /** Creates or replaces every entry given, in one transaction: all of them or none. */
  async replaceAll(entries: readonly RegistryEntry[]): Promise<void> {
    await this.store.saveAll(entries);
    for (const entry of entries) this.byId.set(entry.registrationId, entry);
  }
}
