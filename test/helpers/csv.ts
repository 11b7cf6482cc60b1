// A small RFC 4180 reader for checking exported CSV files in tests, and the header row of a
// point-value export (long layout).

/** The columns of a long data export after its time column (`time (UTC)`, `time (<zone>)`). */
export const DATA_EXPORT_COLUMNS = [
  'device',
  'point',
  'slave',
  'address',
  'value',
  'text',
  'raw',
  'unit',
  'description',
];

/** The header row of a long data export with times in `zone`. */
export function dataExportHeader(zone = 'UTC'): string[] {
  return [`time (${zone})`, ...DATA_EXPORT_COLUMNS];
}

export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && body[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}
