// The account database cannot be reached (MySQL down, store not open yet): requests that
// need it answer 503 STORE_UNAVAILABLE instead of failing as internal errors.
export class AccountStoreUnavailableError extends Error {
  readonly code = 'ACCOUNT_STORE_UNAVAILABLE';
}

/** mysql2 error codes that mean "no usable connection", not "bad statement". */
export { isUnreachable as isConnectionError } from '../mysql/unreachable.js';
