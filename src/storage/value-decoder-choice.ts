// Which rows a store writes without their value (issue 16): those whose raw register bytes
// decode back to it exactly, when naming the decoder costs fewer bytes than the value would.
// SQLite stores an integral double as a small integer, so a value of a byte or so is as cheap
// as a decoder id and stays as it is; MySQL's DOUBLE takes 8 bytes whatever it holds, a NULL
// none, and the id sits in the quality byte the row has anyway.
//
// Only the SQLite writer uses it. In MySQL it measured 24.3 B a row instead of 26.5 (compressed
// pages, docs/CONFIG.md), under the ≤ 45 B goal either way, and a row without its value is
// a row plain SQL (reports, BI tools reading the user's MySQL) can no longer read; both
// readers still decode such rows, so enabling it there later needs no reader change.
import type { Dialect } from './migrations/index.js';
import { decoderBytes, decoderFor, sqliteValueBytes } from './value-from-raw.js';

/** Samples of a point skipped before trying the decoders again after none fitted. */
const RETRY_AFTER = 64;

const COSTS: Readonly<Record<Dialect, { value: (v: number) => number; decoder: (id: number) => number }>> = {
  sqlite: { value: sqliteValueBytes, decoder: decoderBytes },
  mysql: { value: () => 8, decoder: () => 0 },
};

export class ValueDecoderChoice {
  /** point id → the decoder that fitted its last sample (> 0), or minus the samples left to skip. */
  private readonly hints = new Map<number, number>();
  private readonly costs: (typeof COSTS)[Dialect];

  constructor(dialect: Dialect) {
    this.costs = COSTS[dialect];
  }

  /** The decoder id to store for this sample (`value` then NULL), or 0 to store the value. */
  choose(pointId: number, value: number, raw: Buffer): number {
    const valueBytes = this.costs.value(value);
    if (valueBytes === 0) return 0;
    const hint = this.hints.get(pointId) ?? 0;
    if (hint < 0) {
      this.hints.set(pointId, hint + 1);
      return 0;
    }
    const id = decoderFor(value, raw, hint);
    this.hints.set(pointId, id > 0 ? id : -RETRY_AFTER);
    return id > 0 && this.costs.decoder(id) < valueBytes ? id : 0;
  }
}
