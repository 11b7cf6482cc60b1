// What a sink says about a device besides its ID: name and profile from its registration
// (the session's view, which points.yml and the registry both fed), group and tags from the
// device registry. Kept for every device seen since start (bounded by the fleet), so a batch
// replayed after the device went offline still gets its tags.
import type { RegistryLookup } from '../domain/registry.js';

export interface DeviceFacts {
  readonly name: string | null;
  readonly profile: string | null;
  readonly group: string | null;
  readonly tags: readonly string[];
}

export interface DeviceDirectory {
  facts(deviceId: string): DeviceFacts | undefined;
}

export class SeenDevices implements DeviceDirectory {
  private readonly seen = new Map<string, { name: string | null; profile: string }>();

  constructor(private readonly registry: RegistryLookup | null) {}

  /** A device registered, or a reload gave it another name or profile. */
  note(deviceId: string, profile: string, name: string | null): void {
    this.seen.set(deviceId, { name, profile });
  }

  facts(deviceId: string): DeviceFacts | undefined {
    const session = this.seen.get(deviceId);
    const entry = this.registry?.entry(deviceId);
    if (!session && !entry) return undefined;
    return {
      name: session?.name ?? entry?.name ?? null,
      profile: session?.profile ?? entry?.profileOverride ?? null,
      group: entry?.group ?? null,
      tags: entry?.tags ?? [],
    };
  }
}
