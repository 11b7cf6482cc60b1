// InfluxDB line encoding, the two encoders side by side in one process: dtuhub's
// (src/sinks/influxdb/line-protocol.ts, the measurement and tags escaped once per device, as
// influx-lines.ts does) and the official client's Point → toLineProtocol(). Lines of 10
// float fields and two tags (device, profile) over 100 devices, each encoder run a few
// times in turn (15) and its best run kept, so a busy machine costs both alike.
import { Point } from '@influxdata/influxdb-client';
import {
  encodeLine,
  escapeKey,
  escapeMeasurement,
  tagSet,
  type FieldValue,
} from '../src/sinks/influxdb/line-protocol.js';

export interface EncoderRun {
  readonly encoder: string;
  readonly usPerLine: number;
  readonly linesPerSecond: number;
}

export interface EncodingResult {
  readonly lines: number;
  readonly fieldsPerLine: number;
  readonly runs: readonly EncoderRun[];
}

const LINES = 20_000;
const FIELDS = 10;
const DEVICES = 100;
/** Runs per encoder, in turn: the first ones are JIT warm-up, the best one is kept. */
const ROUNDS = 15;
const EPOCH = Date.UTC(2026, 0, 1);

interface Row {
  readonly device: string;
  readonly ts: number;
  readonly values: readonly number[];
}

const rows: Row[] = Array.from({ length: LINES }, (_, i) => ({
  device: `DTU-${String(i % DEVICES).padStart(4, '0')}`,
  ts: EPOCH + Math.floor(i / DEVICES) * 1000,
  values: Array.from({ length: FIELDS }, (_, f) => (i * 7 + f) / 10),
}));
const names = Array.from({ length: FIELDS }, (_, f) => `point_${f}`);

function ours(): number {
  const heads = new Map<string, string>();
  const keys = names.map(escapeKey);
  let bytes = 0;
  for (const row of rows) {
    let head = heads.get(row.device);
    if (head === undefined)
      heads.set(row.device, (head = escapeMeasurement('bench') + tagSet({ device: row.device, profile: 'bench' })));
    const fields = row.values.map((value, f): [string, FieldValue] => [keys[f]!, { kind: 'float', value }]);
    bytes += encodeLine(head, fields, row.ts)?.length ?? 0;
  }
  return bytes;
}

function client(): number {
  let bytes = 0;
  for (const row of rows) {
    const point = new Point('bench').tag('device', row.device).tag('profile', 'bench').timestamp(row.ts);
    row.values.forEach((value, f) => point.floatField(names[f]!, value));
    bytes += point.toLineProtocol()?.length ?? 0;
  }
  return bytes;
}

export function runEncodingBench(): EncodingResult {
  const encoders: [string, () => number][] = [
    ["dtuhub's `src/sinks/influxdb/line-protocol.ts` (tags escaped once per device)", ours],
    ['`@influxdata/influxdb-client` 1.35 `Point` → `toLineProtocol()`', client],
  ];
  const best = encoders.map(() => Number.POSITIVE_INFINITY);
  for (let round = 0; round < ROUNDS; round++)
    encoders.forEach(([, encode], i) => {
      const started = performance.now();
      encode();
      best[i] = Math.min(best[i]!, performance.now() - started);
    });
  return {
    lines: LINES,
    fieldsPerLine: FIELDS,
    runs: encoders.map(([encoder], i) => ({
      encoder,
      usPerLine: (best[i]! * 1000) / LINES,
      linesPerSecond: Math.round(LINES / (best[i]! / 1000)),
    })),
  };
}
