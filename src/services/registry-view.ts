// A device's registry fields as the API shows them: the registry's values with points.yml's
// laid over them where it sets a field (an exact entry's name; an exact or pattern entry's
// profile), and which fields those are, so the UI shows them read-only.
import type { PointsConfig } from '../domain/config.js';
import { EMPTY_REGISTRY_FIELDS, type RegistryEntry, type RegistryFields } from '../domain/registry.js';
import { matchDevice } from '../plan/device-match.js';

export type ConfigField = 'name' | 'profileOverride';

export interface RegistryView extends RegistryFields {
  /** Fields points.yml sets for this ID: shown, not editable here. */
  readonly setByConfig: readonly ConfigField[];
}

export function registryView(
  points: PointsConfig,
  registrationId: string,
  entry: RegistryEntry | undefined,
): RegistryView {
  const fields = entry ?? EMPTY_REGISTRY_FIELDS;
  const match = matchDevice(points, registrationId);
  const setByConfig: ConfigField[] = [];
  if (match?.name) setByConfig.push('name');
  if (match?.listed) setByConfig.push('profileOverride');
  const { name, description, location, latitude, longitude, tags, group, profileOverride, enabled, notes } = fields;
  return {
    name: match?.name ?? name,
    ...{ description, location, latitude, longitude, tags, group, profileOverride, enabled, notes },
    setByConfig,
  };
}
