// The signatures of the chat robots' "signed" security setting (docs/EVENTS.md, "Notifiers",
// with links to the vendors' pages). Pure.
//
// DingTalk custom robot: string_to_sign = timestamp (ms) + "\n" + secret; sign =
//   base64(HMAC-SHA256(key = secret, message = string_to_sign)), URL-encoded, sent as the
//   `timestamp` and `sign` query parameters next to access_token.
// Feishu / Lark custom bot: string_to_sign = timestamp (s) + "\n" + secret is the HMAC KEY
//   and the message is empty; sign = base64 of that, sent as `timestamp` and `sign` in the
//   JSON body.
// WeCom group robots have no signature: the key in the URL is the only credential.
import { createHmac } from 'node:crypto';

export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

export function feishuSign(secret: string, timestampSeconds: number): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}
