// The built browser UI (dist/ui, made by `npm run build`) read into memory once: it is a
// few small files, so serving them from memory (with a gzip copy) is simpler and faster
// than streaming from disk.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export interface UiFile {
  readonly body: Buffer;
  readonly gzipped: Buffer | null;
  readonly type: string;
  /** Vite puts content-hashed files under /assets/: they never change, so cache them for a year. */
  readonly immutable: boolean;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.txt']);

/** dist/ui of this package, found from both src/web/ui (tests) and dist/src/web/ui (built). */
export function defaultUiDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'dist', 'ui');
    dir = dirname(dir);
  }
  return join(dirname(fileURLToPath(import.meta.url)), 'ui-not-found');
}

/** Every file under `dir` by URL path ('/index.html', '/assets/index-3f2a.js'); empty when not built. */
export function loadUiFiles(dir: string): Map<string, UiFile> {
  const files = new Map<string, UiFile>();
  if (!existsSync(join(dir, 'index.html'))) return files;
  const walk = (current: string): void => {
    for (const name of readdirSync(current)) {
      const path = join(current, name);
      if (statSync(path).isDirectory()) {
        walk(path);
        continue;
      }
      const ext = extname(name).toLowerCase();
      const body = readFileSync(path);
      const urlPath = '/' + relative(dir, path).split(sep).join('/');
      files.set(urlPath, {
        body,
        gzipped: COMPRESSIBLE.has(ext) && body.length > 1024 ? gzipSync(body) : null,
        type: TYPES[ext] ?? 'application/octet-stream',
        immutable: urlPath.startsWith('/assets/'),
      });
    }
  };
  walk(dir);
  return files;
}
