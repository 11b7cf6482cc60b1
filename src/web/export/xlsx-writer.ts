// A real .xlsx through exceljs's streaming WorkbookWriter: rows are committed as they are
// added and zipped straight into the output, so a million-row sheet never sits in memory.
// Times are date cells (UTC); text goes in inline strings (no shared-string table to
// hold), with formula-looking text neutralised like in CSV.
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { neutralizeFormula, type Cell } from './cells.js';
import { whenDrained } from './drain.js';
import type { ExportColumn, TableWriter } from './table-writer.js';

const TIME_FORMAT = 'yyyy-mm-dd hh:mm:ss.000';

export class XlsxWriter implements TableWriter {
  readonly contentType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  readonly extension = 'xlsx';
  private readonly workbook: ExcelJS.stream.xlsx.WorkbookWriter;
  private readonly sheet: ExcelJS.Worksheet;

  constructor(
    private readonly out: Writable,
    columns: readonly ExportColumn[],
    sheetName: string,
  ) {
    this.workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
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
    if (this.out.destroyed) throw new Error('export stream closed');
    for (const row of rows) {
      this.sheet.addRow(row.map((cell) => (typeof cell === 'string' ? neutralizeFormula(cell) : cell))).commit();
    }
    await whenDrained(this.out);
  }

  async end(): Promise<void> {
    this.sheet.commit();
    await this.workbook.commit();
  }
}
