// Errors the events and webhooks services give their callers (the web API maps the code to
// an HTTP status: *_NOT_FOUND → 404, *_CONFLICT → 409).
export type EventsErrorCode = 'WEBHOOK_ENDPOINT_NOT_FOUND' | 'WEBHOOK_DELIVERY_NOT_FOUND' | 'WEBHOOK_RETRY_CONFLICT';

export class EventsError extends Error {
  constructor(
    readonly code: EventsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EventsError';
  }
}
