// Choosing devices out of the fleet: the filters the device list, the fleet table and the
// multi-device exports share (status, group, tag, profile, a list of IDs, a search), and the
// orders an operator of many devices sorts by. Pure: lists in, lists out.
import type { DeviceSummary } from './devices.js';

export interface FleetFilter {
  readonly status?: 'online' | 'offline';
  /** Exact registry group. */
  readonly group?: string;
  /** A registry tag the device carries (exact). */
  readonly tag?: string;
  readonly profile?: string;
  /** Exactly these registration IDs. */
  readonly ids?: readonly string[];
  /** Substring of the ID or name, case-insensitive. */
  readonly search?: string;
}

export const FLEET_SORTS = ['id', 'name', 'status', 'lastSeen', 'group'] as const;
export type FleetSort = (typeof FLEET_SORTS)[number];

export function matchesFilter(d: DeviceSummary, f: FleetFilter, ids: ReadonlySet<string> | null): boolean {
  if (f.status !== undefined && d.status !== f.status) return false;
  if (f.group !== undefined && d.group !== f.group) return false;
  if (f.tag !== undefined && !d.tags.includes(f.tag)) return false;
  if (f.profile !== undefined && d.profile !== f.profile) return false;
  if (ids && !ids.has(d.registrationId)) return false;
  const needle = f.search?.toLowerCase();
  return !needle || d.registrationId.toLowerCase().includes(needle) || (d.name ?? '').toLowerCase().includes(needle);
}

export function filterDevices(all: readonly DeviceSummary[], f: FleetFilter): DeviceSummary[] {
  const ids = f.ids ? new Set(f.ids) : null;
  return all.filter((d) => matchesFilter(d, f, ids));
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Sorted copy. `lastSeen` of an online device counts as now (it is being seen), so the
 * longest-silent devices come first in ascending order; ties and missing values fall back
 * to the ID so pages stay stable.
 */
export function sortDevices(
  list: readonly DeviceSummary[],
  sort: FleetSort,
  order: 'asc' | 'desc',
  now: number,
): DeviceSummary[] {
  const seen = (d: DeviceSummary) => (d.status === 'online' ? now : (d.lastSeen ?? 0));
  const key: (a: DeviceSummary, b: DeviceSummary) => number =
    sort === 'name'
      ? (a, b) => byText(a.name ?? '', b.name ?? '')
      : sort === 'group'
        ? (a, b) => byText(a.group ?? '', b.group ?? '')
        : sort === 'status'
          ? (a, b) => byText(a.status, b.status)
          : sort === 'lastSeen'
            ? (a, b) => seen(a) - seen(b)
            : () => 0;
  const sign = order === 'desc' ? -1 : 1;
  return [...list].sort((a, b) => sign * key(a, b) || byText(a.registrationId, b.registrationId));
}
