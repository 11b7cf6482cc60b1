// The web server serves the built UI: index.html for app paths (with a strict CSP), hashed
// assets cached for a year and gzipped, and unknown /api paths still JSON 404s.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadUiFiles } from '../../../src/web/ui/ui-files.js';
import { removeDir, startApp, type Harness } from '../../helpers/app-harness.js';
import { webOf } from '../../helpers/web.js';

let h: Harness;

beforeAll(async () => {
  h = await startApp();
});
afterAll(async () => {
  await h?.stop();
  if (h) removeDir(h.dir);
});

describe('the browser UI files', () => {
  it('answers app paths with index.html and a content security policy', async () => {
    for (const path of ['/', '/devices', '/devices/%3Cimg%20src%3Dx%3E', '/data?device=x']) {
      const response = await fetch(h.webUrl() + path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      const html = await response.text();
      expect(html).toContain('<div id="app"></div>');
      expect(html).not.toMatch(/https?:\/\//);
    }
  });

  it('serves hashed assets with a year-long cache, gzipped when asked', async () => {
    const html = await (await fetch(h.webUrl() + '/')).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const response = await fetch(h.webUrl() + script!, { headers: { 'accept-encoding': 'gzip' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect((await response.text()).length).toBeGreaterThan(1000);
    expect((await fetch(h.webUrl() + '/assets/missing-1234.js')).status).toBe(404);
  });

  it('keeps unknown API paths and non-GET requests as JSON 404s', async () => {
    const api = await fetch(h.webUrl() + '/api/nothing-here');
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no route GET /api/nothing-here' } });
    const post = await webOf(h).server.inject({ method: 'POST', url: '/devices' });
    expect(post.statusCode).toBe(404);
    expect(post.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('reads a UI directory into memory and finds nothing where the UI was not built', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dtuhub-ui-'));
    try {
      expect(loadUiFiles(dir).size).toBe(0);
      mkdirSync(join(dir, 'assets'));
      writeFileSync(join(dir, 'index.html'), '<!doctype html>');
      writeFileSync(join(dir, 'assets', 'app-abc123.css'), 'body{}'.repeat(400));
      const files = loadUiFiles(dir);
      expect([...files.keys()].sort()).toEqual(['/assets/app-abc123.css', '/index.html']);
      expect(files.get('/assets/app-abc123.css')).toMatchObject({ type: 'text/css; charset=utf-8', immutable: true });
      expect(files.get('/assets/app-abc123.css')!.gzipped).not.toBeNull();
      expect(files.get('/index.html')).toMatchObject({ immutable: false, gzipped: null });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
