// The scrape token of server.yml `metrics.token`, compared in constant time (as digests, so
// the lengths of the two never show either).
import { createHash, timingSafeEqual } from 'node:crypto';

export function metricsTokenMatches(authorization: string | undefined, token: string | null): boolean {
  if (token === null) return false;
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (bearer === undefined) return false;
  return timingSafeEqual(digest(bearer), digest(token));
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
