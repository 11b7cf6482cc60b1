// The fleet as one table: many devices chosen by registry fields and status, and for one
// profile the latest value of each of its points per device, from the in-memory latest-value
// cache (never a history query: 1,000 devices × 50 points is a lookup per cell).
import type { DeviceSummary, DevicesService, PointInfo } from './devices.js';
import { filterDevices, sortDevices, type FleetFilter, type FleetSort } from './fleet-select.js';
import type { Runtime } from './runtime.js';

/** A column of the fleet table: a point of the profile. */
export interface FleetColumn {
  readonly name: string;
  readonly unit: string | null;
}

export interface FleetRow {
  readonly registrationId: string;
  readonly name: string | null;
  readonly group: string | null;
  readonly tags: readonly string[];
  readonly status: 'online' | 'offline';
  readonly lastSeen: number | null;
  /** Time of the newest value in the row; null when memory holds none. */
  readonly updatedAt: number | null;
  /** One per column: the number, the text of a string point, or null (none held). */
  readonly values: readonly (number | string | null)[];
}

export interface FleetTable {
  readonly profile: string;
  readonly columns: readonly FleetColumn[];
  readonly total: number;
  readonly rows: readonly FleetRow[];
}

export interface FleetTableQuery extends FleetFilter {
  readonly profile: string;
  /** A device field, or `point:<name>` to sort by a column's value. */
  readonly sort?: FleetSort | `point:${string}`;
  readonly order?: 'asc' | 'desc';
  readonly offset?: number;
  /** Rows wanted; all when left out (exports). */
  readonly limit?: number;
}

export class FleetService {
  constructor(
    private readonly rt: Runtime,
    private readonly devices: DevicesService,
  ) {}

  /** The devices a filter chooses, sorted by registration ID. */
  async select(filter: FleetFilter): Promise<DeviceSummary[]> {
    return filterDevices(await this.devices.list(), filter);
  }

  /** Profiles that exist now, for the table's profile choice. */
  profiles(): string[] {
    return [...this.rt.config.points.profiles.keys()].sort();
  }

  /** Null when the profile is unknown. */
  async table(query: FleetTableQuery): Promise<FleetTable | null> {
    const profile = this.rt.config.points.profiles.get(query.profile);
    if (!profile) return null;
    const columns: FleetColumn[] = profile.points.map((p) => ({ name: p.name, unit: p.unit ?? null }));
    const chosen = await this.select({ ...query, profile: query.profile });
    const order = query.order ?? 'asc';
    const sort = query.sort ?? 'id';
    let sorted: readonly DeviceSummary[];
    let rowsOf: Map<string, FleetRow> | null = null;
    if (sort.startsWith('point:')) {
      // Sorting by a value needs every chosen row's cell: build them all once.
      const at = columns.findIndex((c) => c.name === sort.slice('point:'.length));
      rowsOf = new Map(chosen.map((d) => [d.registrationId, this.row(d, columns)]));
      const cell = (d: DeviceSummary) => (at < 0 ? null : rowsOf!.get(d.registrationId)!.values[at]!);
      sorted = [...chosen].sort((a, b) => compareCells(cell(a), cell(b), order));
    } else sorted = sortDevices(chosen, sort as FleetSort, order, Date.now());
    const offset = query.offset ?? 0;
    const page = sorted.slice(offset, query.limit === undefined ? undefined : offset + query.limit);
    return {
      profile: query.profile,
      columns,
      total: sorted.length,
      rows: page.map((d) => rowsOf?.get(d.registrationId) ?? this.row(d, columns)),
    };
  }

  /** Points a set of devices has between them, in first-seen order (a wide export's columns). */
  pointsOf(devices: readonly DeviceSummary[]): PointInfo[] {
    const byName = new Map<string, PointInfo>();
    const profilesDone = new Set<string>();
    for (const d of devices) {
      // A points.yml profile gives the same points for each of its devices: read it once.
      if (this.rt.config.points.profiles.has(d.profile)) {
        if (profilesDone.has(d.profile)) continue;
        profilesDone.add(d.profile);
      }
      for (const p of this.devices.points(d.profile, d.registrationId)) if (!byName.has(p.name)) byName.set(p.name, p);
    }
    return [...byName.values()];
  }

  private row(d: DeviceSummary, columns: readonly FleetColumn[]): FleetRow {
    let updatedAt: number | null = null;
    const values = columns.map((c) => {
      const s = this.rt.latest.get(d.registrationId, c.name);
      if (!s) return null;
      if (updatedAt === null || s.ts > updatedAt) updatedAt = s.ts;
      return s.value ?? s.text;
    });
    return {
      registrationId: d.registrationId,
      name: d.name,
      group: d.group,
      tags: d.tags,
      status: d.status,
      lastSeen: d.lastSeen,
      updatedAt,
      values,
    };
  }
}

/** Empty cells last whatever the order; numbers before text. */
function compareCells(a: number | string | null, b: number | string | null, order: 'asc' | 'desc'): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const sign = order === 'desc' ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number') return sign * (a - b);
  return sign * String(a).localeCompare(String(b));
}
