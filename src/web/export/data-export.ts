// The point-value export for one device or many: device after device (by registration ID),
// each read oldest first page by page as for one device, so memory holds one page whatever
// the selection. Two layouts:
// - long: one row per stored sample (time, device, point, …, unit);
// - wide: one row per device and timestamp, one column per point of the selection. A poll
//   stores every point of a read block with the same receive time, so those samples share
//   a row; points read by other blocks (other times) land in rows of their own. Rows come
//   ordered by (time, point) for a device, so equal times are adjacent and a row is complete
//   when the time changes.
import type { DataRow, HistoryReader } from '../../storage/index.js';
import { dataPages } from '../history/pages.js';
import type { Cell } from './cells.js';
import { DEVICE, timeColumn, type ExportSource } from './export-tables.js';
import type { ExportColumn } from './table-writer.js';
import type { ExportZone } from './time-zone.js';

export const DATA_LAYOUTS = ['long', 'wide'] as const;
export type DataLayout = (typeof DATA_LAYOUTS)[number];

export interface ExportDevice {
  readonly registrationId: string;
  /** Point name → unit. */
  readonly units: ReadonlyMap<string, string | null>;
  /** Point name → description in the export's language. */
  readonly descriptions: ReadonlyMap<string, string | null>;
}

export interface DataExportQuery {
  readonly devices: readonly ExportDevice[];
  readonly point?: string;
  readonly from?: number;
  readonly to?: number;
  readonly signal?: AbortSignal;
  readonly zone: ExportZone;
}

/** A wide export's point columns: the point, and its header (point-label.ts, `温度 temperature (°C)`). */
export interface WideColumn {
  readonly name: string;
  readonly header: string;
}

/** Wide rows are gathered into pages of about this many before they go to the writer. */
const WIDE_PAGE_ROWS = 1000;

function pagesOf(reader: HistoryReader, q: DataExportQuery, registrationId: string): AsyncGenerator<DataRow[]> {
  return dataPages(reader, {
    registrationId,
    ...(q.point !== undefined ? { point: q.point } : {}),
    ...(q.from !== undefined ? { from: q.from } : {}),
    ...(q.to !== undefined ? { to: q.to } : {}),
    ...(q.signal !== undefined ? { signal: q.signal } : {}),
  });
}

export function longDataSource(reader: HistoryReader, q: DataExportQuery): ExportSource {
  return {
    columns: [
      timeColumn(q.zone),
      DEVICE,
      { header: 'point', width: 16, kind: 'text' },
      { header: 'slave', width: 7, kind: 'number' },
      { header: 'address', width: 9, kind: 'number' },
      { header: 'value', width: 14, kind: 'number' },
      { header: 'text', width: 16, kind: 'text' },
      { header: 'raw', width: 18, kind: 'text' },
      { header: 'unit', width: 8, kind: 'text' },
      { header: 'description', width: 16, kind: 'text' },
    ],
    async *pages() {
      for (const device of q.devices) {
        for await (const page of pagesOf(reader, q, device.registrationId)) {
          yield page.map((r) => [
            r.ts,
            r.deviceId,
            r.point,
            r.slave,
            r.address,
            r.value,
            r.text,
            r.raw,
            device.units.get(r.point) ?? null,
            device.descriptions.get(r.point) ?? null,
          ]);
        }
      }
    },
  };
}

/** `points`: the columns after time and device, e.g. every point of the selected devices' profiles. */
export function wideDataSource(reader: HistoryReader, q: DataExportQuery, points: readonly WideColumn[]): ExportSource {
  const at = new Map(points.map((p, i) => [p.name, i + 2]));
  const width = points.length + 2;
  return {
    columns: [
      timeColumn(q.zone),
      DEVICE,
      ...points.map((p): ExportColumn => ({
        header: p.header,
        width: Math.max(10, p.header.length + 2),
        kind: 'number',
      })),
    ],
    async *pages() {
      let out: Cell[][] = [];
      for (const device of q.devices) {
        let row: Cell[] | null = null;
        for await (const page of pagesOf(reader, q, device.registrationId)) {
          for (const r of page) {
            if (row === null || row[0] !== r.ts) {
              if (row) out.push(row);
              row = new Array<Cell>(width).fill(null);
              row[0] = r.ts;
              row[1] = r.deviceId;
            }
            const column = at.get(r.point);
            // A point no longer in the profile (renamed since) has no column: left out.
            if (column !== undefined) row[column] = r.value ?? r.text;
          }
          if (out.length >= WIDE_PAGE_ROWS) {
            yield out;
            out = [];
          }
        }
        if (row) out.push(row);
      }
      if (out.length > 0) yield out;
    },
  };
}
