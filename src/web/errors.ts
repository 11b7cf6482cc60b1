// The web API's one error catalogue: code → HTTP status → default message. Every error
// response is `{error:{code,message}}`; docs/API.md lists the same table (a test keeps the
// two in sync).

export const ERROR_CATALOGUE = {
  BAD_REQUEST: { status: 400, message: "The query, params or body do not match the route's schema" },
  AUTH_REQUIRED: { status: 401, message: 'No valid session cookie or API token' },
  AUTH_INVALID_CREDENTIALS: { status: 401, message: 'Wrong username or password' },
  FORBIDDEN: { status: 403, message: 'Your role may not do this' },
  ORIGIN_REFUSED: { status: 403, message: "The request's Origin does not match its Host" },
  UNKNOWN_PROFILE: { status: 400, message: 'The profile is not in points.yml' },
  IMPORT_INVALID: { status: 400, message: 'Rows of the device list are invalid; nothing was imported' },
  NOT_FOUND: { status: 404, message: 'No such route' },
  DEVICE_NOT_FOUND: { status: 404, message: 'The device has never connected' },
  USER_NOT_FOUND: { status: 404, message: 'No such user' },
  POINT_NOT_FOUND: { status: 404, message: "The device's profile has no point of this name" },
  WRITE_REFUSED: { status: 400, message: 'The value cannot be written to this point (limits, type or read-only)' },
  TOKEN_NOT_FOUND: { status: 404, message: 'No such API token' },
  LISTENER_NOT_FOUND: { status: 404, message: 'No such DTU listener' },
  CHANNEL_NOT_FOUND: { status: 404, message: 'No such outbound channel' },
  SINK_NOT_FOUND: { status: 404, message: 'No such northbound sink' },
  WEBHOOK_ENDPOINT_NOT_FOUND: { status: 404, message: 'No such webhook endpoint in rules.yml' },
  WEBHOOK_DELIVERY_NOT_FOUND: { status: 404, message: 'No such webhook delivery' },
  CONFIG_VERSION_NOT_FOUND: { status: 404, message: 'No such config version' },
  CONFIG_TEST_TARGET_NOT_FOUND: { status: 404, message: 'No such profile, task or point in the candidate points.yml' },
  USER_EXISTS: { status: 409, message: 'A user with this name exists' },
  LAST_ADMIN: { status: 409, message: 'The last admin cannot be deleted or demoted' },
  DEVICE_EXISTS: { status: 409, message: 'The device is registered already' },
  DEVICE_ONLINE: { status: 409, message: 'The device is online' },
  DEVICE_HAS_HISTORY: { status: 409, message: 'The device has stored history; disable it instead of deleting it' },
  DEVICE_NOT_ONLINE: { status: 409, message: 'The device is not connected, so nothing can be sent to it' },
  WEBHOOK_RETRY_CONFLICT: { status: 409, message: 'The delivery was delivered already' },
  CONFIG_CONFLICT: { status: 409, message: 'The config file has changed since it was opened' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is larger than the server accepts' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The request body is not sent as application/json' },
  CONFIG_INVALID: { status: 422, message: 'The candidate config has problems (file:line:field); nothing was written' },
  PASSWORD_CHANGE_REQUIRED: { status: 403, message: 'Change the generated password first (POST /api/me/password)' },
  WRONG_PASSWORD: { status: 403, message: 'The current password is wrong' },
  AUTH_LOCKED_OUT: { status: 429, message: 'Too many failed logins; try again later' },
  RATE_LIMITED: { status: 429, message: 'Over the live feed budget; try again after retryAfterMs' },
  INTERNAL: { status: 500, message: 'Unexpected server error (logged)' },
  LISTENER_FAILED: { status: 500, message: 'The DTU listener could not be started or stopped' },
  CHANNEL_FAILED: { status: 500, message: 'The outbound channel could not be started or stopped' },
  SINK_FAILED: { status: 500, message: 'The sink could not be started or stopped' },
  MODBUS_EXCEPTION: { status: 502, message: 'The slave answered with a Modbus exception' },
  MODBUS_FAILED: { status: 502, message: 'The answer was malformed or the link closed during the write' },
  DEVICE_REFUSED: { status: 502, message: 'The PLC refused the write (address out of range, protected block)' },
  STORE_UNAVAILABLE: { status: 503, message: 'The database could not be read' },
  MODBUS_TIMEOUT: { status: 504, message: 'The slave did not answer in time' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export interface ErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string; readonly details?: unknown };
}

/** Thrown by route handlers; the error handler turns it into the catalogue's status and body. */
export class WebError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly headers: Readonly<Record<string, string>> = {},
    readonly details?: unknown,
  ) {
    super(message ?? ERROR_CATALOGUE[code].message);
    this.status = ERROR_CATALOGUE[code].status;
  }

  body(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details !== undefined ? { details: this.details } : {}),
      },
    };
  }
}

export function errorBody(code: ErrorCode, message?: string): ErrorBody {
  return new WebError(code, message).body();
}
