// Webhook signatures (docs/EVENTS.md, "Verifying a webhook"). Pure.
//
//   signed text = `${eventId}.${timestamp}.${body}`   (timestamp: the X-Dtuhub-Timestamp
//                                                      header, Unix seconds, as sent)
//   signature   = lowercase hex of HMAC-SHA256(secret, signed text)
//   header      X-Dtuhub-Signature: v1=<hex>[,v1=<hex>]   one entry per configured secret
//
// During a rotation both secrets sign, so a receiver holding either one verifies.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-dtuhub-signature';
export const TIMESTAMP_HEADER = 'x-dtuhub-timestamp';
export const EVENT_ID_HEADER = 'x-dtuhub-event-id';

export function sign(secret: string, eventId: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${eventId}.${timestamp}.${body}`, 'utf8').digest('hex');
}

/** The X-Dtuhub-Signature value for these secrets, or null when the endpoint has none. */
export function signatureHeader(
  secrets: readonly string[],
  eventId: string,
  timestamp: number,
  body: string,
): string | null {
  if (secrets.length === 0) return null;
  return secrets.map((secret) => `v1=${sign(secret, eventId, timestamp, body)}`).join(',');
}

/** What a receiver does: true when any v1 entry of the header matches `secret`. */
export function verifySignature(
  secret: string,
  header: string,
  eventId: string,
  timestamp: number,
  body: string,
): boolean {
  const expected = Buffer.from(sign(secret, eventId, timestamp, body), 'hex');
  return header.split(',').some((entry) => {
    const [version, hex] = entry.trim().split('=', 2);
    if (version !== 'v1' || hex === undefined || !/^[0-9a-f]{64}$/.test(hex)) return false;
    return timingSafeEqual(Buffer.from(hex, 'hex'), expected);
  });
}
