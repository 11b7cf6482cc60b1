// config_versions (migration 010) in both dialects: versions kept with who/when/file/comment,
// listed newest first, read back byte for byte (Chinese comments included), across a reopen.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contentDigest, type AccountStore } from '../../../src/storage/index.js';
import { ACCOUNT_FIXTURES, type Fixture } from './account-fixtures.js';

const POINTS_V1 = 'version: 1\nprofiles:\n  a:\n    points:\n      - name: t\n        scale: 0.1     # 精度 0.1\n';
const POINTS_V2 = POINTS_V1.replace('scale: 0.1', 'scale: 0.01');

describe.each(Object.keys(ACCOUNT_FIXTURES))('%s config versions', (kind) => {
  let f: Fixture;
  const extra: AccountStore[] = [];

  beforeEach(async () => {
    f = await ACCOUNT_FIXTURES[kind]!();
    await f.store.open();
  });
  afterEach(async () => {
    for (const s of [f.store, ...extra.splice(0)]) await s.close();
    await f.cleanup();
  });

  it('keeps every version with who, when, file and comment, newest first', async () => {
    const versions = f.store.configVersions;
    expect(await versions.has('points.yml')).toBe(false);
    const base = { actor: 'admin', file: 'points.yml', rolledBackTo: null };
    const v1 = await versions.add({ ...base, at: 1000, action: 'baseline', comment: null, content: POINTS_V1 });
    const v2 = await versions.add({ ...base, at: 2000, action: 'save', comment: 'finer scale', content: POINTS_V2 });
    await versions.add({ ...base, file: 'rules.yml', at: 2500, action: 'save', comment: null, content: 'rules: []\n' });
    const v4 = await versions.add({
      ...base,
      at: 3000,
      action: 'rollback',
      rolledBackTo: v1.id,
      comment: null,
      content: POINTS_V1,
    });
    expect(v2.id).toBeGreaterThan(v1.id);
    expect(await versions.has('points.yml')).toBe(true);

    const listed = await versions.list({ file: 'points.yml' });
    expect(listed.map((v) => [v.id, v.action, v.comment, v.rolledBackTo])).toEqual([
      [v4.id, 'rollback', null, v1.id],
      [v2.id, 'save', 'finer scale', null],
      [v1.id, 'baseline', null, null],
    ]);
    expect(listed[1]).toEqual({
      ...v2,
      at: 2000,
      actor: 'admin',
      file: 'points.yml',
      sha256: contentDigest(POINTS_V2),
    });
    expect((await versions.list({})).map((v) => v.file)).toEqual([
      'points.yml',
      'rules.yml',
      'points.yml',
      'points.yml',
    ]);
    expect(await versions.list({ limit: 1 })).toHaveLength(1);

    const again = f.reopen();
    extra.push(again);
    await again.open();
    const read = await again.configVersions.get(v2.id);
    expect(read?.content).toBe(POINTS_V2);
    expect(read?.sha256).toBe(contentDigest(POINTS_V2));
    expect(await again.configVersions.get(v4.id + 100)).toBeNull();
  });

  it('stores a file of a few hundred kilobytes whole', async () => {
    const big = '# 注释\n' + 'x: 1\n'.repeat(60_000);
    const v = await f.store.configVersions.add({
      at: 1,
      actor: 'token:ci',
      file: 'points.yml',
      action: 'save',
      rolledBackTo: null,
      comment: 'big',
      content: big,
    });
    expect((await f.store.configVersions.get(v.id))?.content).toBe(big);
  });
});
