// Turns whatever a route threw into the catalogue's `{error:{code,message}}`.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../log.js';
import { ServiceError } from '../services/index.js';
import { AccountStoreUnavailableError, StorageError, type StorageErrorCode } from '../storage/index.js';
import { errorBody, WebError, type ErrorCode } from './errors.js';

/** History reads refused or given up (time budget, queue full, client gone): the store is busy, not broken. */
const READ_REFUSALS: ReadonlySet<StorageErrorCode> = new Set([
  'STORAGE_QUERY_TIMEOUT',
  'STORAGE_READ_BUSY',
  'STORAGE_QUERY_ABORTED',
]);

/** Fastify's own refusals before a route runs, in the catalogue's words (messages for people, not fastify's). */
const FASTIFY_REFUSALS: Readonly<Record<string, { code: ErrorCode; message?: string }>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send the body as application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'BAD_REQUEST',
    message: 'the body is shorter or longer than its Content-Length',
  },
  FST_ERR_BAD_URL: { code: 'BAD_REQUEST', message: 'the URL is not valid (a malformed %-escape)' },
  FST_ERR_MAX_PARAM_LENGTH: { code: 'BAD_REQUEST', message: 'a part of the URL is longer than 100 characters' },
};

/** The catalogue body for an error fastify raised itself; null when it is not one of them. */
export function fastifyRefusal(error: FastifyError): WebError | null {
  const known = FASTIFY_REFUSALS[error.code];
  if (known) return new WebError(known.code, known.message);
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return new WebError('BAD_REQUEST', error.message);
  }
  return null;
}

/** For fastify's `frameworkErrors`: refusals made while routing (bad URL), which skip the error handler. */
export function frameworkErrorHandler(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const refusal = fastifyRefusal(error) ?? new WebError('BAD_REQUEST', error.message);
  void reply.code(refusal.status).send(refusal.body());
}

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
    const refusal = fastifyRefusal(error);
    if (refusal) return reply.code(refusal.status).send(refusal.body());
    log.error({ err: error, url: request.url, method: request.method }, 'request failed');
    return reply.code(500).send(errorBody('INTERNAL'));
  };
}
