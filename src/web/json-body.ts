// The one body parser: JSON objects only (every route that takes a body takes JSON; any
// other content type is 415). Written out rather than fastify's default so each refusal
// says what is wrong: malformed JSON, an empty body, or a key that could poison prototypes.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { WebError } from './errors.js';

/** Keys JSON.parse keeps as own properties, but that merging code could follow into a prototype. */
function refusePoisonedKeys(key: string, value: unknown): unknown {
  if (
    key === '__proto__' ||
    (key === 'constructor' && typeof value === 'object' && value !== null && 'prototype' in value)
  ) {
    throw new WebError(
      'BAD_REQUEST',
      `the body has a key named ${key === '__proto__' ? '__proto__' : 'constructor.prototype'}, which is not allowed`,
    );
  }
  return value;
}

export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') throw new WebError('BAD_REQUEST', 'the body is empty; send a JSON object');
  try {
    // The reviver runs only once the text has parsed, so a forbidden key is never called malformed JSON.
    return JSON.parse(text, refusePoisonedKeys) as unknown;
  } catch (err) {
    if (err instanceof WebError) throw err;
    throw new WebError('BAD_REQUEST', `the body is not valid JSON: ${(err as Error).message}`);
  }
}

/** Replaces fastify's parsers (JSON and text) with JSON only, within `bodyLimit` bytes. */
export function jsonBodiesOnly(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit },
    (_request: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
      try {
        done(null, parseJsonBody(typeof body === 'string' ? body : body.toString('utf8')));
      } catch (err) {
        done(err as Error);
      }
    },
  );
}
