// Walks a history query page by page without holding more than one page: device data with
// the reader's (ts, point) cursor, the other tables by time. Used by chart downsampling and
// by the exports.
import type {
  ConnectionRow,
  DataQuery,
  DataRow,
  HistoryReader,
  RawPacketQuery,
  RawPacketRow,
  ConnectionQuery,
} from '../../storage/index.js';

export const PAGE_ROWS = 2_000;

/** Device data oldest first, resuming each page after the last row of the one before. */
export async function* dataPages(
  reader: HistoryReader,
  query: Omit<DataQuery, 'after' | 'order' | 'limit'>,
  pageRows = PAGE_ROWS,
): AsyncGenerator<DataRow[]> {
  let after: DataQuery['after'];
  for (;;) {
    const page = await reader.data({ ...query, order: 'asc', limit: pageRows, ...(after ? { after } : {}) });
    if (page.length > 0) yield page;
    if (page.length < pageRows) return;
    const last = page[page.length - 1]!;
    after = { ts: last.ts, point: last.point };
  }
}

interface TimedRow {
  readonly id: number;
  readonly at: number;
}

/**
 * Rows of a table paged by time (these readers have no row cursor): each page starts at
 * the last row's time, and rows of that millisecond already seen are skipped by id. A
 * page entirely inside one millisecond cannot move on; it is widened until it can.
 */
async function* timedPages<R extends TimedRow>(
  fetch: (from: number | undefined, limit: number) => Promise<R[]>,
  from: number | undefined,
  pageRows: number,
): AsyncGenerator<R[]> {
  let cursor = from;
  let seenAtCursor = new Set<number>();
  let limit = pageRows;
  for (;;) {
    const page = await fetch(cursor, limit);
    const fresh = page.filter((r) => !(r.at === cursor && seenAtCursor.has(r.id)));
    if (fresh.length > 0) yield fresh;
    if (page.length < limit) return;
    const lastAt = page[page.length - 1]!.at;
    if (lastAt === cursor) {
      limit *= 2;
      for (const r of fresh) seenAtCursor.add(r.id);
      continue;
    }
    seenAtCursor = new Set(page.filter((r) => r.at === lastAt).map((r) => r.id));
    cursor = lastAt;
    limit = pageRows;
  }
}

export function connectionPages(
  reader: HistoryReader,
  query: Omit<ConnectionQuery, 'order' | 'limit'>,
  pageRows = PAGE_ROWS,
): AsyncGenerator<ConnectionRow[]> {
  return timedPages(
    (from, limit) => reader.connections({ ...query, ...(from !== undefined ? { from } : {}), order: 'asc', limit }),
    query.from,
    pageRows,
  );
}

export function packetPages(
  reader: HistoryReader,
  query: Omit<RawPacketQuery, 'order' | 'limit'>,
  pageRows = PAGE_ROWS,
): AsyncGenerator<RawPacketRow[]> {
  return timedPages(
    (from, limit) => reader.rawPackets({ ...query, ...(from !== undefined ? { from } : {}), order: 'asc', limit }),
    query.from,
    pageRows,
  );
}
