// Streams one export: pages from the source go into the writer as they arrive. The
// caller hands `out` to the HTTP reply before this runs, so the first bytes leave while
// later pages are still being read.
import type { Writable } from 'node:stream';
import { CsvWriter } from './csv-writer.js';
import type { ExportSource } from './export-tables.js';
import type { TableWriter } from './table-writer.js';
import type { ExportZone } from './time-zone.js';
import { createXlsxWriter } from './xlsx-writer.js';

export type ExportFormat = 'csv' | 'xlsx';

export async function tableWriter(
  format: ExportFormat,
  out: Writable,
  source: ExportSource,
  sheetName: string,
  zone?: ExportZone,
): Promise<TableWriter> {
  return format === 'csv'
    ? new CsvWriter(out, source.columns, zone)
    : createXlsxWriter(out, source.columns, sheetName, zone);
}

/** Returns the number of rows written. Throws if the output closes early (client gone). */
export async function runExport(source: ExportSource, writer: TableWriter): Promise<number> {
  let rows = 0;
  for await (const page of source.pages()) {
    await writer.writePage(page);
    rows += page.length;
  }
  await writer.end();
  return rows;
}

/** A file name that survives every browser and file system: device IDs are untrusted text. */
export function exportFileName(table: string, device: string | undefined, extension: string, at: Date): string {
  const safeDevice = (device ?? 'all').replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 64) || 'device';
  const stamp = at.toISOString().replace(/[-:]/g, '').slice(0, 15);
  return `dtuhub-${table}-${safeDevice}-${stamp}.${extension}`;
}
