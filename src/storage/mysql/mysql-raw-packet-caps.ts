// raw_packets held at its row cap and within its byte budget by every MySQL commit, as the
// SQLite applier does (see raw-packet-budget.ts for how the byte figure stays cheap and
// never low).
import type { PoolConnection, RowDataPacket } from 'mysql2/promise';
import { trimThrough, TRIM_SCAN_ROWS, type RawPacketByteBudget, type SizedRow } from '../raw-packet-budget.js';

/** Rows over the raw-packet cap deleted per commit beyond the commit's own packets. */
const TRIM_EXTRA_ROWS = 5000;

/**
 * Holds raw_packets at its row cap (0: none): ids are assigned in order, so the newest
 * `cap` rows are those above MAX(id) - cap.
 */
export async function capRawPacketRows(c: PoolConnection, cap: number, inserted: number): Promise<void> {
  if (cap <= 0) return;
  const [[row]] = await c.query<RowDataPacket[]>('SELECT MAX(id) AS last FROM raw_packets');
  const last = Number(row?.['last'] ?? 0);
  if (last <= cap) return;
  await c.query('DELETE FROM raw_packets WHERE id <= ? ORDER BY id LIMIT ?', [last - cap, inserted + TRIM_EXTRA_ROWS]);
}

/**
 * Deletes the oldest packets while raw_packets holds more bytes than the budget, in the
 * commit's transaction. `live` throws once the commit has been abandoned past its deadline.
 */
export async function holdRawPacketBytes(
  c: PoolConnection,
  budget: RawPacketByteBudget,
  inserted: number,
  live: () => void,
): Promise<void> {
  if (budget.needsCount(inserted)) {
    // Packet bytes: the hex text is two characters a byte.
    const [[row]] = await c.query<RowDataPacket[]>('SELECT COALESCE(SUM(LENGTH(hex)), 0) DIV 2 AS n FROM raw_packets');
    live();
    budget.counted(Number(row?.['n'] ?? 0));
  }
  let need = budget.excess();
  let after = 0;
  while (need > 0) {
    const [rows] = await c.query<RowDataPacket[]>(
      'SELECT id, LENGTH(hex) DIV 2 AS bytes FROM raw_packets WHERE id > ? ORDER BY id LIMIT ?',
      [after, TRIM_SCAN_ROWS],
    );
    if (rows.length === 0) return;
    const { lastId, freed } = trimThrough(
      rows.map((r): SizedRow => ({ id: Number(r['id']), bytes: Number(r['bytes']) })),
      need,
    );
    await c.query('DELETE FROM raw_packets WHERE id <= ?', [lastId]);
    live();
    budget.deleted(freed);
    need -= freed;
    after = lastId;
  }
}
