// What an applier last wrote to point_sources (migration 006) for each series, so a series'
// slave and address cost one upsert when first seen and one per change, not one per row.
// Shared by the SQLite and MySQL appliers; pure, no IO.

interface Source {
  slave: number;
  address: number;
}

export class PointSources {
  /** device id → point id → the source written. Nested maps: no key built per row. */
  private readonly byDevice = new Map<number, Map<number, Source>>();

  /**
   * Whether the series' source differs from what was written (or nothing was, since the
   * applier started); if so, records it as written: the caller upserts it now.
   */
  changes(deviceId: number, pointId: number, slave: number, address: number): boolean {
    let points = this.byDevice.get(deviceId);
    if (!points) this.byDevice.set(deviceId, (points = new Map()));
    const known = points.get(pointId);
    if (known && known.slave === slave && known.address === address) return false;
    if (known) {
      known.slave = slave;
      known.address = address;
    } else {
      points.set(pointId, { slave, address });
    }
    return true;
  }

  /** Forgets everything: upserts made in a rolled-back transaction are gone. */
  clear(): void {
    this.byDevice.clear();
  }
}
