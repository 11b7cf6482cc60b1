// A real .xlsx through exceljs's streaming WorkbookWriter: rows are committed as they are
// added and zipped straight into the output, so a million-row sheet never sits in memory.
// Times are date cells showing the wall time of the export's zone (spreadsheet dates have
// no zone; the header names it); text goes in inline strings (no shared-string table to
// hold), with formula-looking text neutralised like in CSV.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { neutralizeFormula, type Cell } from './cells.js';
import { whenDrained } from './drain.js';
import type { ExportColumn, TableWriter } from './table-writer.js';
import { UTC_ZONE, type ExportZone } from './time-zone.js';

const TIME_FORMAT = 'yyyy-mm-dd hh:mm:ss.000';
/** Rows added between two checks of the zip's backlog. */
const ROWS_PER_SLICE = 1000;

/** The part of exceljs's sheet stream we look at: the stream the zip reads the sheet XML from. */
interface SheetStream {
  readonly pipes?: readonly Writable[];
}

/** exceljs is large (tens of MiB once loaded): load it on the first XLSX export only. */
export async function createXlsxWriter(
  out: Writable,
  columns: readonly ExportColumn[],
  sheetName: string,
  zone: ExportZone = UTC_ZONE,
): Promise<XlsxWriter> {
  const { default: excel } = await import('exceljs');
  return new XlsxWriter(excel, out, columns, sheetName, zone);
}

export class XlsxWriter implements TableWriter {
  readonly contentType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  readonly extension = 'xlsx';
  private readonly workbook: ExcelJS.stream.xlsx.WorkbookWriter;
  private readonly sheet: ExcelJS.Worksheet;
  private readonly timeColumns: readonly number[];

  constructor(
    excel: typeof ExcelJS,
    private readonly out: Writable,
    columns: readonly ExportColumn[],
    sheetName: string,
    private readonly zone: ExportZone = UTC_ZONE,
  ) {
    this.timeColumns = columns.flatMap((c, i) => (c.kind === 'time' ? [i] : []));
    this.workbook = new excel.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
    this.workbook.creator = 'dtuhub';
    this.sheet = this.workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
    this.sheet.columns = columns.map((c) => ({
      header: c.header,
      width: c.width,
      ...(c.kind === 'time' ? { style: { numFmt: TIME_FORMAT } } : {}),
    }));
    this.sheet.getRow(1).font = { bold: true };
    this.sheet.getRow(1).commit();
  }

  async writePage(rows: readonly (readonly Cell[])[]): Promise<void> {
    for (let start = 0; start < rows.length; start += ROWS_PER_SLICE) {
      if (this.out.destroyed) throw new Error('export stream closed');
      for (const row of rows.slice(start, start + ROWS_PER_SLICE)) {
        const cells = row.map((cell) => (typeof cell === 'string' ? neutralizeFormula(cell) : cell));
        for (const i of this.timeColumns) {
          const ms = cells[i];
          if (typeof ms === 'number') cells[i] = new Date(ms + this.zone.offsetMinutes(ms) * 60_000);
        }
        this.sheet.addRow(cells).commit();
      }
      await this.zipCaughtUp();
      await whenDrained(this.out);
    }
  }

  /**
   * exceljs writes the sheet XML into the zip's input without waiting for it (compression is
   * slower than XML generation), so without this the whole sheet could pile up in memory.
   * Wait until the zip has taken the backlog. Relies on exceljs's StreamBuf keeping its
   * consumers in `pipes`; if a later version does not, this is a no-op.
   */
  private async zipCaughtUp(): Promise<void> {
    const sheetStream = (this.sheet as unknown as { stream?: SheetStream }).stream;
    const zipInput = sheetStream?.pipes?.[0];
    // readable-stream 3 (used by the zip library) has no `writableNeedDrain` getter.
    const state = (zipInput as unknown as { _writableState?: { needDrain?: boolean } } | undefined)?._writableState;
    if (zipInput && !zipInput.destroyed && (zipInput.writableNeedDrain ?? state?.needDrain))
      await once(zipInput, 'drain');
  }

  async end(): Promise<void> {
    this.sheet.commit();
    await this.workbook.commit();
  }
}
