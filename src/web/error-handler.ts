// Turns whatever a route threw into the catalogue's `{error:{code,message}}`.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../log.js';
import { ServiceError } from '../services/index.js';
import { AccountStoreUnavailableError, StorageError, type StorageErrorCode } from '../storage/index.js';
import { errorBody, WebError } from './errors.js';

/** History reads refused or given up (time budget, queue full, client gone): the store is busy, not broken. */
const READ_REFUSALS: ReadonlySet<StorageErrorCode> = new Set([
  'STORAGE_QUERY_TIMEOUT',
  'STORAGE_READ_BUSY',
  'STORAGE_QUERY_ABORTED',
]);

export function errorHandler(log: Logger) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof WebError) {
      return reply.code(error.status).headers(error.headers).send(error.body());
    }
    if (error instanceof ServiceError) {
      // The façade's codes are catalogue codes (a compile-time check in errors.ts).
      const mapped = new WebError(error.code, error.message);
      return reply.code(mapped.status).send(mapped.body());
    }
    if (error instanceof AccountStoreUnavailableError) {
      log.warn({ err: error, url: request.url }, 'account database unavailable');
      return reply
        .code(503)
        .send(errorBody('STORE_UNAVAILABLE', 'the account database cannot be reached; try again shortly'));
    }
    if (error instanceof StorageError && READ_REFUSALS.has(error.code)) {
      log.warn({ url: request.url, code: error.code }, error.message);
      return reply.code(503).send(errorBody('STORE_UNAVAILABLE', error.message));
    }
    if (error.validation) {
      const details = error.validation.map((v) =>
        `${error.validationContext ?? ''}${v.instancePath} ${v.message ?? ''}`.trim(),
      );
      return reply.code(400).send(new WebError('BAD_REQUEST', details.join('; '), {}, details).body());
    }
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      // Fastify's own refusals: malformed JSON, wrong content type, body too large.
      return reply.code(400).send(errorBody('BAD_REQUEST', error.message));
    }
    log.error({ err: error, url: request.url, method: request.method }, 'request failed');
    return reply.code(500).send(errorBody('INTERNAL'));
  };
}
