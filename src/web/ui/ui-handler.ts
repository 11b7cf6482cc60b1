// Everything that is not an API route is the browser UI: a known file is sent as it is,
// any other GET path gets index.html (the single-page app routes on the client), and
// unknown /api paths stay JSON 404s. Runs as fastify's not-found handler, so it never
// shadows a route and needs no login (the UI's own API calls do).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from '../errors.js';
import type { UiFile } from './ui-files.js';

/** The page may load only its own scripts, styles and connections (no CDN, no inline script). */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const NOT_BUILT =
  '<!doctype html><meta charset="utf-8"><title>dtuhub</title><p>The web UI is not built: run <code>npm run build</code>. 网页界面尚未构建：请运行 <code>npm run build</code>。</p>';

export function uiHandler(files: ReadonlyMap<string, UiFile>) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0]!;
    const isPage = request.method === 'GET' || request.method === 'HEAD';
    if (!isPage || path === '/api' || path.startsWith('/api/')) {
      return reply.code(404).send(errorBody('NOT_FOUND', `no route ${request.method} ${path}`));
    }
    const file = files.get(path) ?? (path.startsWith('/assets/') ? undefined : files.get('/index.html'));
    if (!file) {
      if (files.size === 0) return reply.code(404).type('text/html; charset=utf-8').send(NOT_BUILT);
      return reply.code(404).type('text/plain; charset=utf-8').send('not found');
    }
    reply
      .header('content-type', file.type)
      .header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('vary', 'accept-encoding');
    if (file.type.startsWith('text/html'))
      reply.header('content-security-policy', CONTENT_SECURITY_POLICY).header('x-frame-options', 'DENY');
    const acceptsGzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
    if (file.gzipped && acceptsGzip) return reply.header('content-encoding', 'gzip').send(file.gzipped);
    return reply.send(file.body);
  };
}
