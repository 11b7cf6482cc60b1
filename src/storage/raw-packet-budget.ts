// raw_packets held within `retention.rawPacketsMaxBytes` by every commit, the oldest rows
// deleted first. The row cap alone bounds rows, not bytes, and connections each recording
// their per-minute budget add up; this is the table's own limit.
//
// Summing the table on every commit would read all of it, so each applier keeps a running
// figure: the last exact count plus what it inserted since, less what it deleted. Other
// deletes (the age sweep, the row cap) only make the figure high, never low, so the budget
// is never overshot; a high figure is corrected by counting again, at most once a minute.
// Past the budget the table is trimmed to LOW_WATER of it, so trimming is not paid on every
// commit of a steady stream.

/** raw_packets' limits every commit holds (server.yml `retention`); 0: no cap. */
export interface RawPacketCaps {
  readonly rawPacketsMaxRows: number;
  readonly rawPacketsMaxBytes: number;
}

/** Trim to this share of the budget. */
const LOW_WATER = 0.9;
/** How long a count is trusted before a trim counts again. */
const RECOUNT_AFTER_MS = 60_000;
/** Rows read per step while choosing what to delete. */
export const TRIM_SCAN_ROWS = 1000;

export class RawPacketByteBudget {
  /** Packet bytes in the table as far as this applier knows (never below the truth); null: never counted. */
  private bytes: number | null = null;
  private countedAt = -Infinity;

  /** `maxBytes`: 0 for no budget. */
  constructor(
    private maxBytes: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * server.yml reloaded: a new `rawPacketsMaxBytes` holds from the next commit on. The
   * running figure stays (the table did not change); a budget turned on counts first.
   */
  resize(maxBytes: number): void {
    if (this.maxBytes <= 0 && maxBytes > 0) this.bytes = null;
    this.maxBytes = maxBytes;
  }

  /** After inserting `bytes` of packets: is the table to be counted before trimming? */
  needsCount(inserted: number): boolean {
    if (this.maxBytes <= 0) return false;
    if (this.bytes === null) return true;
    this.bytes += inserted;
    return this.bytes > this.maxBytes && this.now() - this.countedAt >= RECOUNT_AFTER_MS;
  }

  /** The table's exact packet bytes, counted in this commit's transaction. */
  counted(total: number): void {
    this.bytes = total;
    this.countedAt = this.now();
  }

  /** Packet bytes to delete now (oldest first); 0 within the budget. */
  excess(): number {
    if (this.maxBytes <= 0 || this.bytes === null || this.bytes <= this.maxBytes) return 0;
    return this.bytes - Math.floor(this.maxBytes * LOW_WATER);
  }

  deleted(bytes: number): void {
    if (this.bytes !== null) this.bytes = Math.max(0, this.bytes - bytes);
  }

  /** The transaction rolled back: what it inserted or deleted is unknown, count again. */
  forget(): void {
    this.bytes = null;
  }
}

export interface SizedRow {
  readonly id: number;
  readonly bytes: number;
}

/**
 * Of rows in id order, the last id to delete so that at least `need` bytes go, and the
 * bytes that frees (all the rows when they are not enough).
 */
export function trimThrough(rows: readonly SizedRow[], need: number): { lastId: number; freed: number } {
  let freed = 0;
  let lastId = -1;
  for (const row of rows) {
    if (freed >= need) break;
    freed += row.bytes;
    lastId = row.id;
  }
  return { lastId, freed };
}
