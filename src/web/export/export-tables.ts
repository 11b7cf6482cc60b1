// The three exportable tables, and for connections and raw packets their columns, how each
// stored row becomes cells, and the page source that reads them from the database oldest first.
import type { HistoryReader, RawPacketKind } from '../../storage/index.js';
import { connectionPages, packetPages } from '../history/pages.js';
import type { Cell } from './cells.js';
import type { ExportColumn } from './table-writer.js';
import { timeHeader, UTC_ZONE, type ExportZone } from './time-zone.js';

export const EXPORT_TABLES = ['data', 'connections', 'packets'] as const;
export type ExportTable = (typeof EXPORT_TABLES)[number];

export interface ExportFilters {
  readonly device?: string;
  readonly kind?: RawPacketKind;
  readonly from?: number;
  readonly to?: number;
  /** Stops the export's queries when the client goes away. */
  readonly signal?: AbortSignal;
}

export interface ExportSource {
  readonly columns: readonly ExportColumn[];
  pages(): AsyncGenerator<Cell[][]>;
}

// Times are epoch-ms numbers in the rows; each writer renders them its own way.
export const DEVICE: ExportColumn = { header: 'device', width: 20, kind: 'text' };

/** Every table's first column; its header names the zone the times are shown in. */
export function timeColumn(zone: ExportZone): ExportColumn {
  return { header: timeHeader(zone), width: 30, kind: 'time' };
}

const range = (f: ExportFilters) => ({
  ...(f.from !== undefined ? { from: f.from } : {}),
  ...(f.to !== undefined ? { to: f.to } : {}),
  ...(f.signal !== undefined ? { signal: f.signal } : {}),
});

async function* mapPages<R>(pages: AsyncGenerator<R[]>, toCells: (row: R) => Cell[]): AsyncGenerator<Cell[][]> {
  for await (const page of pages) yield page.map(toCells);
}

/** The connections and packets tables; point values are data-export.ts's. */
export function exportSource(
  table: Exclude<ExportTable, 'data'>,
  reader: HistoryReader,
  filters: ExportFilters,
  zone: ExportZone = UTC_ZONE,
): ExportSource {
  const TIME = timeColumn(zone);
  switch (table) {
    case 'connections':
      return {
        columns: [
          TIME,
          DEVICE,
          { header: 'event', width: 18, kind: 'text' },
          { header: 'ip', width: 16, kind: 'text' },
          { header: 'port', width: 7, kind: 'number' },
          { header: 'listener', width: 12, kind: 'text' },
          { header: 'details', width: 40, kind: 'text' },
        ],
        pages: () =>
          mapPages(
            connectionPages(reader, {
              ...(filters.device !== undefined ? { registrationId: filters.device } : {}),
              ...range(filters),
            }),
            (r) => [r.at, r.registrationId, r.event, r.ip, r.port, r.listener, r.details],
          ),
      };
    case 'packets':
      return {
        columns: [
          TIME,
          DEVICE,
          { header: 'direction', width: 9, kind: 'text' },
          { header: 'kind', width: 12, kind: 'text' },
          { header: 'hex', width: 60, kind: 'text' },
          { header: 'ip', width: 16, kind: 'text' },
          { header: 'port', width: 7, kind: 'number' },
          { header: 'note', width: 40, kind: 'text' },
        ],
        pages: () =>
          mapPages(
            packetPages(reader, {
              ...(filters.device !== undefined ? { registrationId: filters.device } : {}),
              ...(filters.kind !== undefined ? { kind: filters.kind } : {}),
              ...range(filters),
            }),
            (r) => [r.at, r.registrationId, r.direction, r.kind, r.hex, r.ip, r.port, r.note],
          ),
      };
  }
}
