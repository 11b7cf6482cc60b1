// Multi-row INSERTs in statements of a few hundred rows: a network round trip per row would
// cap the rate at a few thousand rows per second, one statement for everything could pass
// max_allowed_packet.
import type { PoolConnection } from 'mysql2/promise';

/** Rows per INSERT statement. */
export const ROWS_PER_INSERT = 500;

export type Row = unknown[];

/** `sql` ends in `VALUES ?`; mysql2 expands a nested array into `(…), (…), …`. */
export async function insertRows(
  c: PoolConnection,
  sql: string,
  rows: readonly Row[],
  size: (row: Row) => number = () => 0,
  maxSize = Infinity,
): Promise<void> {
  let from = 0;
  while (from < rows.length) {
    let to = from;
    let bytes = 0;
    // At least one row per statement, however large.
    while (to < rows.length && to - from < ROWS_PER_INSERT && (to === from || bytes + size(rows[to]!) <= maxSize)) {
      bytes += size(rows[to]!);
      to++;
    }
    await c.query(sql, [rows.slice(from, to)]);
    from = to;
  }
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
