import { describe, expect, it } from 'vitest';
import { EMPTY_REGISTRY_FIELDS } from '../../../src/domain/registry.js';
import { parseRegistryRows } from '../../../src/services/registry-rows.js';
import { readCsv } from '../../../src/web/export/read-table.js';

const context = {
  profiles: new Set(['th-station']),
  existing: (id: string) =>
    id === 'OLD' ? { ...EMPTY_REGISTRY_FIELDS, registrationId: 'OLD', notes: 'kept', updatedAt: 1 } : undefined,
  at: 42,
};

describe('reading a device list', () => {
  it('numbers CSV records by the line they start on, quoted line breaks included', () => {
    const lines = readCsv('\uFEFFregistrationId,notes\r\nA,"two\nlines"\r\n\r\nB,"say ""hi"""\n');
    expect(lines).toEqual([
      { line: 1, cells: ['registrationId', 'notes'] },
      { line: 2, cells: ['A', 'two\nlines'] },
      { line: 5, cells: ['B', 'say "hi"'] },
    ]);
  });

  it('reports every bad row with its line and applies nothing', () => {
    const parsed = parseRegistryRows(
      readCsv(
        [
          'registrationId,latitude,longitude,enabled,profileOverride',
          ',1,1,true,',
          'A,91,1,true,',
          'B,1,,yes,',
          'C,1,1,perhaps,nope',
          'A,1,1,no,',
        ].join('\n'),
      ),
      context,
    );
    expect(parsed).toEqual({
      errors: [
        { line: 2, reason: 'registrationId is empty' },
        { line: 3, reason: 'latitude 91 is not a number from -90 to 90' },
        { line: 4, reason: 'latitude and longitude go together: give both or neither' },
        {
          line: 5,
          reason: 'profileOverride nope is not a profile in points.yml; enabled perhaps is not true or false',
        },
        { line: 6, reason: 'registrationId A is also on line 3' },
      ],
    });
  });

  it('refuses an unknown column and needs registrationId', () => {
    expect(parseRegistryRows([{ line: 1, cells: ['id', 'name'] }], context)).toEqual({
      errors: [
        { line: 1, reason: expect.stringContaining('unknown column id') },
        { line: 1, reason: 'no registrationId column' },
      ],
    });
  });

  it('keeps the fields a file leaves out and clears those it leaves empty', () => {
    const parsed = parseRegistryRows(
      readCsv('registrationId,name,tags,group\nOLD,Old one,"a; b, a",\nNEW,,,g\n'),
      context,
    );
    expect(parsed).toEqual({
      entries: [
        {
          ...EMPTY_REGISTRY_FIELDS,
          registrationId: 'OLD',
          name: 'Old one',
          tags: ['a', 'b'],
          notes: 'kept',
          updatedAt: 42,
        },
        { ...EMPTY_REGISTRY_FIELDS, registrationId: 'NEW', group: 'g', updatedAt: 42 },
      ],
    });
  });
});
