// The account database cannot be reached (MySQL down, store not open yet): requests that
// need it answer 503 STORE_UNAVAILABLE instead of failing as internal errors.
export class AccountStoreUnavailableError extends Error {
  readonly code = 'ACCOUNT_STORE_UNAVAILABLE';
}

/** mysql2 error codes that mean "no usable connection", not "bad statement". */
const CONNECTION_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'POOL_CLOSED',
]);

export function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CONNECTION_ERRORS.has(code);
}
