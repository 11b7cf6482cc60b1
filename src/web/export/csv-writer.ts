// RFC 4180 CSV: comma separated, CRLF line ends, fields quoted when they contain a comma,
// quote or line break (quotes doubled). A UTF-8 byte-order mark first, so Excel opens
// Chinese text correctly. Each page is one string written at once.
import type { Writable } from 'node:stream';
import { isoTime, neutralizeFormula, type Cell } from './cells.js';
import { whenDrained } from './drain.js';
import type { ExportColumn, TableWriter } from './table-writer.js';
import { UTC_ZONE, zonedIso, type ExportZone } from './time-zone.js';

const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  const text = neutralizeFormula(cell instanceof Date ? isoTime(cell.getTime()) : cell);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly Cell[]): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) line += (i === 0 ? '' : ',') + csvField(cells[i]!);
  return `${line}\r\n`;
}

export class CsvWriter implements TableWriter {
  readonly contentType = 'text/csv; charset=utf-8';
  readonly extension = 'csv';
  private readonly timeColumns: readonly number[];

  constructor(
    private readonly out: Writable,
    columns: readonly ExportColumn[],
    /** Time columns are written in this zone, with its offset. */
    private readonly zone: ExportZone = UTC_ZONE,
  ) {
    this.timeColumns = columns.flatMap((c, i) => (c.kind === 'time' ? [i] : []));
    out.write(`\uFEFF${csvLine(columns.map((c) => c.header))}`);
  }

  async writePage(rows: readonly (readonly Cell[])[]): Promise<void> {
    if (this.out.destroyed) throw new Error('export stream closed');
    let chunk = '';
    for (const row of rows) {
      if (this.timeColumns.length === 0) {
        chunk += csvLine(row);
        continue;
      }
      const cells = [...row];
      for (const i of this.timeColumns)
        if (typeof cells[i] === 'number') cells[i] = zonedIso(cells[i] as number, this.zone);
      chunk += csvLine(cells);
    }
    this.out.write(chunk);
    await whenDrained(this.out);
  }

  async end(): Promise<void> {
    await new Promise<void>((resolve) => this.out.end(resolve));
  }
}
