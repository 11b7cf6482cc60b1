// JSON-schema fragments shared by the routes' query, params and body schemas.

export const EPOCH_MS = { type: 'integer', minimum: 0, maximum: 8_640_000_000_000_000 } as const;
export const ORDER = { type: 'string', enum: ['asc', 'desc'] } as const;
export const HISTORY_LIMIT = { type: 'integer', minimum: 1, maximum: 100_000 } as const;
/** Registration IDs are untrusted text: bounded, no control characters. */
export const DEVICE_ID = {
  type: 'string',
  minLength: 1,
  maxLength: 128,
  pattern: '^[^\\u0000-\\u001f\\u007f]+$',
} as const;
export const POINT_NAME = { type: 'string', minLength: 1, maxLength: 128 } as const;
export const USERNAME = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' } as const;
export const ROLE = { type: 'string', enum: ['viewer', 'operator', 'admin'] } as const;
export const PACKET_KIND = {
  type: 'string',
  enum: ['registration', 'heartbeat', 'request', 'response', 'exception', 'garbage', 'stray', 'data', 'ack'],
} as const;

export function querySchema(properties: Record<string, unknown>, required: string[] = []) {
  return { type: 'object', additionalProperties: false, properties, required } as const;
}

export const TIME_WINDOW = { from: EPOCH_MS, to: EPOCH_MS, limit: HISTORY_LIMIT, order: ORDER } as const;

export const DEVICE_PARAMS = querySchema({ id: DEVICE_ID }, ['id']);

export interface TimeWindowQuery {
  from?: number;
  to?: number;
  limit?: number;
  order?: 'asc' | 'desc';
}

export const SUPERVISION_ACTIONS = ['start', 'stop', 'restart'] as const;
/** A listener's or an outbound channel's name in a supervision route. */
export const SUPERVISED_PARAMS = querySchema({ name: { type: 'string', minLength: 1, maxLength: 64 } }, ['name']);
