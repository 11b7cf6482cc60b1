// Values read from the raw register bytes (issue 16): since this version a device_data row
// may leave `value` NULL and name, in bits 0–6 of `quality`, the decoding of `raw_value` that
// gives it back exactly (storage/value-from-raw.ts, storage/raw-value.ts). No table changes and
// older rows read as they are (their quality is 0 or 0x80), but a program that predates this
// version would read such a row as "no number": the version is recorded so it refuses the
// database instead.
import type { Migration } from './types.js';

export const valueFromRaw: Migration = {
  version: 13,
  name: 'value_from_raw',
  statements() {
    return [];
  },
};
