// Bytes dtuhub sends to a DTU: requests wrapped for the link's framing, and the 1-byte
// acks of the typed framing.
import type { LinkConfig } from '../../domain/config.js';
import { encodeMbapRequest } from '../modbus/mbap.js';

/**
 * Wraps one RTU request for the wire; transparent links carry it as is. `transactionId`
 * is the MBAP transaction of an mbap link (the parser's, so the answer is matched to it).
 */
export function frameRequest(link: LinkConfig, request: Uint8Array, transactionId: number): Buffer {
  if (link.framing === 'mbap') return encodeMbapRequest(request, transactionId);
  if (link.framing !== 'typed' || !link.typed) {
    // Poll requests are Buffers encoded once per block: send them as they are.
    return Buffer.isBuffer(request) ? request : Buffer.from(request.buffer, request.byteOffset, request.length);
  }
  return encodeTypedMessage(link.typed.modbusType, request);
}

/** `[type][length][payload]`; the length byte limits payloads to 255 bytes. */
export function encodeTypedMessage(type: number, payload: Uint8Array): Buffer {
  if (payload.length > 255) throw new RangeError(`typed message payload of ${payload.length} bytes exceeds 255`);
  const out = Buffer.allocUnsafe(2 + payload.length);
  out[0] = type;
  out[1] = payload.length;
  out.set(payload, 2);
  return out;
}

export function ackByte(value: number | null): Buffer | null {
  return value === null ? null : Buffer.from([value]);
}
