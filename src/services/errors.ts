// The one error type the façade throws. Its codes are the web API's catalogue codes, so
// the web layer maps them without knowing which runtime part failed.
export type ServiceErrorCode =
  | 'LISTENER_NOT_FOUND'
  | 'LISTENER_FAILED'
  | 'CHANNEL_NOT_FOUND'
  | 'CHANNEL_FAILED'
  | 'SINK_NOT_FOUND'
  | 'SINK_FAILED'
  | 'WEBHOOK_ENDPOINT_NOT_FOUND'
  | 'WEBHOOK_DELIVERY_NOT_FOUND'
  | 'WEBHOOK_RETRY_CONFLICT'
  | 'CONFIG_CONFLICT'
  | 'CONFIG_VERSION_NOT_FOUND'
  | 'CONFIG_TEST_TARGET_NOT_FOUND'
  | 'DEVICE_NOT_FOUND'
  | 'DEVICE_EXISTS'
  | 'DEVICE_ONLINE'
  | 'DEVICE_HAS_HISTORY'
  | 'UNKNOWN_PROFILE'
  | 'POINT_NOT_FOUND';

export class ServiceError extends Error {
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
