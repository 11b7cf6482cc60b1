// Reading a table a user uploads (the device list import): CSV (RFC 4180, as our exports
// write it) or XLSX, into lines of text cells numbered as the user sees them: the CSV line
// a record starts on (a quoted cell may span lines), the spreadsheet's row number.
import type { FileLine } from '../../services/index.js';

export function readCsv(text: string): FileLine[] {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lines: FileLine[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  const endRecord = () => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0] === '')) lines.push({ line: start, cells });
    cells = [];
    cell = '';
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        cell += c;
      }
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && body[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else cell += c;
  }
  if (cell !== '' || cells.length > 0) endRecord();
  return lines;
}

/** The first worksheet's rows; numbers, booleans and dates become text as shown. */
export async function readXlsx(bytes: Buffer): Promise<FileLine[]> {
  const { default: excel } = await import('exceljs');
  const workbook = new excel.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  const lines: FileLine[] = [];
  sheet?.eachRow({ includeEmpty: false }, (row, number) => {
    const cells: string[] = [];
    for (let c = 1; c <= row.cellCount; c++) cells.push(row.getCell(c).text ?? '');
    lines.push({ line: number, cells });
  });
  return lines;
}
