// docs/API.md's error table and src/web/errors.ts must say the same.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../../src/web/errors.js';

describe('error catalogue', () => {
  it('matches the table in docs/API.md code by code, status by status, message by message', () => {
    const doc = readFileSync(new URL('../../../docs/API.md', import.meta.url), 'utf8');
    const table = doc.split('<!-- error-catalogue:start -->')[1]!.split('<!-- error-catalogue:end -->')[0]!;
    const documented = [...table.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \| (.+) \|$/gm)].map((m) => [
      m[1],
      Number(m[2]),
      m[3],
    ]);
    const code = Object.entries(ERROR_CATALOGUE).map(([name, e]) => [name, e.status, e.message]);
    expect(documented).toEqual(code);
  });
});
