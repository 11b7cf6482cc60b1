// API tokens: a random secret shown once; only its SHA-256 is stored, so a leaked
// database does not leak working tokens. The prefix makes them easy to spot in logs.
import { createHash, randomBytes } from 'node:crypto';

export const TOKEN_PREFIX = 'dth_';

export function newTokenSecret(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function tokenDigest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
