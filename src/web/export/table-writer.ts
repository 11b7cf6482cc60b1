// What an export writes rows into: CSV or XLSX, one page at a time. `writePage` resolves
// when the output can take more, so a slow download slows the database reads instead of
// filling memory.
import type { Cell } from './cells.js';

export interface ExportColumn {
  readonly header: string;
  /** Approximate width in characters (XLSX only). */
  readonly width: number;
  readonly kind?: 'time' | 'number' | 'text';
}

export interface TableWriter {
  readonly contentType: string;
  readonly extension: string;
  writePage(rows: readonly (readonly Cell[])[]): Promise<void>;
  /** Finishes the file (XLSX writes its central directory). */
  end(): Promise<void>;
}
