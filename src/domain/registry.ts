// The device registry (docs/CONFIG.md, "Device registry"): what an operator says about a
// device — its name, where it is, how it is grouped, whether it may connect — kept in the
// database and in memory. points.yml `devices:` entries win where they set a field.

/** The fields an operator edits. */
export interface RegistryFields {
  readonly name: string | null;
  readonly description: string | null;
  /** Where the device is, as text (an address, a cabinet). */
  readonly location: string | null;
  readonly latitude: number | null;
  readonly longitude: number | null;
  readonly tags: readonly string[];
  readonly group: string | null;
  /** The profile to use when points.yml names none for this ID (only its default catches it). */
  readonly profileOverride: string | null;
  /** A disabled device's connections are refused; its history is kept. */
  readonly enabled: boolean;
  readonly notes: string | null;
}

export interface RegistryEntry extends RegistryFields {
  readonly registrationId: string;
  /** When an operator last changed the entry (epoch ms); null for one only registration created. */
  readonly updatedAt: number | null;
}

/** What a DTU session asks at registration: from memory, never the database. */
export interface RegistryLookup {
  entry(registrationId: string): RegistryEntry | undefined;
}

export const EMPTY_REGISTRY_FIELDS: RegistryFields = Object.freeze({
  name: null,
  description: null,
  location: null,
  latitude: null,
  longitude: null,
  tags: Object.freeze([]) as readonly string[],
  group: null,
  profileOverride: null,
  enabled: true,
  notes: null,
});
