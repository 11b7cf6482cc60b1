import { describe, expect, it } from 'vitest';
import { exportFileName } from '../../../src/web/export/run-export.js';

describe('export file names', () => {
  it('reduce untrusted device IDs to safe characters', () => {
    const at = new Date(Date.UTC(2026, 10, 22, 5, 6, 7));
    expect(exportFileName('data', 'DTU-1', 'csv', at)).toBe('dtuhub-data-DTU-1-20261122T050607.csv');
    expect(exportFileName('data', '../"<x>"\r\n', 'xlsx', at)).toBe('dtuhub-data-.._x_-20261122T050607.xlsx');
    expect(exportFileName('packets', undefined, 'csv', at)).toBe('dtuhub-packets-all-20261122T050607.csv');
  });
});
