// Write-back requests, pure: the payload parsed and checked against the schema, and the
// allow-list asked whether this device may be written this way. Requests come from anyone
// who may publish on the broker, so the default is no: only what a rule names is allowed.
import { Value } from '@sinclair/typebox/value';
import type { WriteBackRule } from '../../domain/mqtt-sink.js';
import { WRITE_REQUEST, type WriteRequest } from './message-schema.js';

/** Larger payloads are refused unread: a write request is a few dozen bytes. */
export const MAX_REQUEST_BYTES = 4096;

export type ParsedRequest =
  | { readonly ok: true; readonly request: WriteRequest }
  | { readonly ok: false; readonly id: string | number | null; readonly error: string };

export function parseWriteRequest(payload: Uint8Array): ParsedRequest {
  if (payload.length > MAX_REQUEST_BYTES)
    return { ok: false, id: null, error: `request larger than ${MAX_REQUEST_BYTES} bytes` };
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    return { ok: false, id: null, error: 'request is not JSON' };
  }
  if (Value.Check(WRITE_REQUEST, body)) return { ok: true, request: body };
  return {
    ok: false,
    id: idOf(body),
    error:
      'request must be {id?, point, value} or {id?, slave, fn: 5|6, address, value} or {id?, slave, fn: 15|16, address, values}',
  };
}

function idOf(body: unknown): string | number | null {
  if (typeof body !== 'object' || body === null) return null;
  const id = (body as Record<string, unknown>)['id'];
  return (typeof id === 'string' && id.length <= 128) || (typeof id === 'number' && Number.isFinite(id)) ? id : null;
}

export function isPointWrite(request: WriteRequest): request is Extract<WriteRequest, { point: string }> {
  return 'point' in request;
}

/** `*` any run of characters, `?` one; everything else literal; the whole name must match. */
export function globMatches(pattern: string, name: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'u').test(name);
}

/** Null when a rule allows the write; else the reason it is refused. */
export function refusal(rules: readonly WriteBackRule[], device: string, request: WriteRequest): string | null {
  const forDevice = rules.filter((r) => r.devices.some((p) => globMatches(p, device)));
  if (forDevice.length === 0) return `device ${device} is not on the write-back allow-list`;
  if (isPointWrite(request)) {
    if (forDevice.some((r) => r.points.some((p) => globMatches(p, request.point)))) return null;
    return `point ${request.point} of device ${device} is not on the write-back allow-list`;
  }
  if (forDevice.some((r) => r.registers)) return null;
  return `register writes to device ${device} are not allowed (write-back allow-list: registers: true)`;
}
