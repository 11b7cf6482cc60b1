// One HTTP attempt of a webhook delivery, with node's fetch: the signature headers, a
// timeout, and the outcome (status, error, latency). Never throws.
import type { WebhookEndpoint } from '../../domain/rules.js';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signatureHeader, TIMESTAMP_HEADER } from './signature.js';

export interface SendRequest {
  readonly deliveryId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly body: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
}

export interface SendResult {
  readonly ok: boolean;
  readonly status: number | null;
  readonly error: string | null;
  readonly latencyMs: number;
  /** Cut short by `stop` (dtuhub stopping), not by the endpoint: does not count as an attempt. */
  readonly aborted: boolean;
}

export type Sender = (endpoint: WebhookEndpoint, request: SendRequest, stop: AbortSignal) => Promise<SendResult>;

export const sendWebhook: Sender = async (endpoint, request, stop) => {
  const timestamp = Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    ...endpoint.headers,
    'content-type': 'application/json',
    'user-agent': 'dtuhub-webhook/1',
    [EVENT_ID_HEADER]: request.eventId,
    'x-dtuhub-event-type': request.eventType,
    'x-dtuhub-delivery-id': request.deliveryId,
    'x-dtuhub-attempt': String(request.attempt),
    [TIMESTAMP_HEADER]: String(timestamp),
  };
  const signature = signatureHeader(endpoint.secrets, request.eventId, timestamp, request.body);
  if (signature !== null) headers[SIGNATURE_HEADER] = signature;
  const started = performance.now();
  // One controller per attempt, not AbortSignal.any(): Node 20 keeps every signal combined
  // with the long-lived `stop` signal alive, which grows without bound under load.
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, endpoint.timeoutMs);
  const onStop = () => controller.abort();
  stop.addEventListener('abort', onStop, { once: true });
  const signal = controller.signal;
  try {
    const response = await fetch(endpoint.url, {
      method: endpoint.method,
      headers,
      body: request.body,
      signal,
      redirect: 'manual',
    });
    // Read the answer so the connection can be reused; its content is not used.
    await response.arrayBuffer();
    const ok = response.status >= 200 && response.status < 300;
    return {
      ok,
      status: response.status,
      error: ok ? null : `HTTP ${response.status}`,
      latencyMs: performance.now() - started,
      aborted: false,
    };
  } catch (err) {
    const latencyMs = performance.now() - started;
    if (stop.aborted) return { ok: false, status: null, error: 'dtuhub stopped', latencyMs, aborted: true };
    const error = timedOut ? `no answer within ${endpoint.timeoutMs} ms` : describe(err);
    return { ok: false, status: null, error, latencyMs, aborted: false };
  } finally {
    clearTimeout(timer);
    stop.removeEventListener('abort', onStop);
  }
};

function describe(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}
