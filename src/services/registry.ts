// The device registry for the web and the CLI: pre-register, edit, delete, and import a
// whole device list at once. Edits go to the database first and then to memory
// (FleetRegistry), so a registration never sees an entry the database lacks.
import type { RegistryEntry, RegistryFields } from '../domain/registry.js';
import { ServiceError } from './errors.js';
import { onlineDeviceIds } from './presence.js';
import { parseRegistryRows, type FileLine, type RowError } from './registry-rows.js';
import type { Runtime } from './runtime.js';

export type RegistryChanges = Partial<RegistryFields>;

export type ImportOutcome =
  | { readonly ok: true; readonly created: number; readonly updated: number }
  | { readonly ok: false; readonly errors: readonly RowError[] };

export const DISABLED_REASON = 'device disabled in the registry';

export class RegistryService {
  constructor(private readonly rt: Runtime) {}

  /** Every registry entry, by registration ID. */
  entries(): RegistryEntry[] {
    return [...this.rt.fleetRegistry.entries()].sort((a, b) =>
      a.registrationId < b.registrationId ? -1 : a.registrationId > b.registrationId ? 1 : 0,
    );
  }

  /** Pre-registers a device before it ever connects. */
  async create(registrationId: string, fields: RegistryChanges): Promise<RegistryEntry> {
    this.checkProfile(fields.profileOverride);
    const entry = await this.rt.fleetRegistry.create(registrationId, fields, Date.now());
    if (!entry) throw new ServiceError('DEVICE_EXISTS', `device ${registrationId} is registered already`);
    return entry;
  }

  /** Disabling an online device also closes its DTU session. */
  async update(registrationId: string, changes: RegistryChanges): Promise<RegistryEntry> {
    this.checkProfile(changes.profileOverride);
    const entry = await this.rt.fleetRegistry.update(registrationId, changes, Date.now());
    if (!entry) throw new ServiceError('DEVICE_NOT_FOUND', `device ${registrationId} is not registered`);
    if (!entry.enabled) this.rt.gateway.disconnect(registrationId, DISABLED_REASON);
    this.rt.bus.emit('device.edited', { deviceId: registrationId, at: entry.updatedAt ?? Date.now() });
    return entry;
  }

  /** Only a device that is offline and has no history (never connected) is deleted. */
  async remove(registrationId: string): Promise<void> {
    if (onlineDeviceIds(this.rt).has(registrationId))
      throw new ServiceError('DEVICE_ONLINE', `device ${registrationId} is online; disable it first`);
    const outcome = await this.rt.fleetRegistry.remove(registrationId);
    if (outcome === 'absent') throw new ServiceError('DEVICE_NOT_FOUND', `device ${registrationId} is not registered`);
    if (outcome === 'has_history')
      throw new ServiceError(
        'DEVICE_HAS_HISTORY',
        `device ${registrationId} has stored history, which is kept: disable it instead`,
      );
  }

  /** Checks every row first; applies all of them in one transaction, or none. */
  async import(lines: readonly FileLine[]): Promise<ImportOutcome> {
    const registry = this.rt.fleetRegistry;
    const parsed = parseRegistryRows(lines, {
      profiles: new Set(this.rt.config.points.profiles.keys()),
      existing: (id) => registry.entry(id),
      at: Date.now(),
    });
    if ('errors' in parsed) return { ok: false, errors: parsed.errors };
    const created = parsed.entries.filter((e) => !registry.entry(e.registrationId)).length;
    await registry.replaceAll(parsed.entries);
    for (const e of parsed.entries) {
      if (!e.enabled) this.rt.gateway.disconnect(e.registrationId, DISABLED_REASON);
      this.rt.bus.emit('device.edited', { deviceId: e.registrationId, at: e.updatedAt ?? Date.now() });
    }
    return { ok: true, created, updated: parsed.entries.length - created };
  }

  private checkProfile(profile: string | null | undefined): void {
    if (profile && !this.rt.config.points.profiles.has(profile))
      throw new ServiceError('UNKNOWN_PROFILE', `profile ${profile} is not in points.yml`);
  }
}
