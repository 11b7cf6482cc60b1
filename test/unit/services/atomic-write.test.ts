// The config editor replaces a file by rename: the old mode is kept, no temporary file is
// left behind, and a failed write leaves the old bytes in place.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomically } from '../../../src/services/config-edit/atomic-write.js';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomically', () => {
  it('replaces the file, keeps its mode and leaves nothing else in the directory', () => {
    dir = mkdtempSync(join(tmpdir(), 'dtuhub-atomic-'));
    const path = join(dir, 'points.yml');
    writeFileSync(path, 'old: 1\n');
    chmodSync(path, 0o600);
    writeFileAtomically(path, 'new: 2 # 新\n');
    expect(readFileSync(path, 'utf8')).toBe('new: 2 # 新\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['points.yml']);
  });

  it('creates a file that is not there yet', () => {
    dir = mkdtempSync(join(tmpdir(), 'dtuhub-atomic-'));
    writeFileAtomically(join(dir, 'rules.yml'), 'rules: []\n');
    expect(readFileSync(join(dir, 'rules.yml'), 'utf8')).toBe('rules: []\n');
  });

  it('leaves the old file and no temporary file when the rename fails', () => {
    dir = mkdtempSync(join(tmpdir(), 'dtuhub-atomic-'));
    // A directory where the file should be: the rename over it fails.
    const path = join(dir, 'points.yml');
    mkdirSync(path);
    writeFileSync(join(path, 'keep'), 'x');
    expect(() => writeFileAtomically(path, 'new\n')).toThrow();
    expect(readdirSync(dir)).toEqual(['points.yml']);
    expect(readFileSync(join(path, 'keep'), 'utf8')).toBe('x');
  });
});
