// One device_data row's INSERT parameters (migration 014: raw_value and the value cell), written
// into the applier's reused argument array so a 50-row INSERT allocates nothing per row.
import type { Quality } from '../../domain/point.js';
import type { StoredRaw } from '../raw-value.js';
import type { SampleColumns } from '../write-batch.js';
import { valueCell } from './value-cell.js';

/** device_id, received_at, point_id, raw_value, value. */
export const SAMPLE_COLUMNS = 5;

/** Row `i` of the batch's samples at `args[at…]`; `decoder` > 0 leaves the value to the raw bytes. */
export function fillSampleArgs(
  args: unknown[],
  at: number,
  strings: readonly string[],
  s: SampleColumns,
  deviceId: number,
  pointId: number,
  i: number,
  raw: StoredRaw,
  decoder: number,
): void {
  args[at] = deviceId;
  args[at + 1] = s.ts[i];
  args[at + 2] = pointId;
  // Raw text as TEXT: its storage class is what tells it from register bytes (value-cell.ts).
  args[at + 3] = raw.text ? strings[s.raw[i]!] : raw.bytes;
  // Infinity and NaN have no SQL form in MySQL; both stores keep them as "no number".
  const value = s.value[i]!;
  const stored = s.hasValue[i] === 1 && Number.isFinite(value) ? value : null;
  args[at + 4] = valueCell(stored, decoder, strings[s.quality[i]!] as Quality);
}
