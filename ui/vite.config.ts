// Builds the browser UI into dist/ui, which dtuhub's web server serves (src/web/ui/).
// `npm run dev:ui` serves it with hot reload and forwards /api to a running dtuhub.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const api = process.env['DTUHUB_API'] ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/ui', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // No inlined data: URLs for scripts: the page's CSP allows only its own files.
    assetsInlineLimit: 0,
    reportCompressedSize: true,
  },
  server: { proxy: { '/api': { target: api, ws: true, changeOrigin: false } } },
});
