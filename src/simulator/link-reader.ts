// The stream reader for a link's framing, chosen when a simulated DTU connects.
import type { LinkConfig } from '../domain/config.js';
import type { InboundReader } from './inbound.js';
import { MbapDtuReader } from './mbap-dtu-reader.js';
import { RtuRequestReader } from './rtu-request-reader.js';
import { TypedReader } from './typed-reader.js';

/** The reader for a link's framing; `reply` is the server's heartbeat reply, skipped. */
export function readerFor(link: LinkConfig, reply: Buffer | null, gapMs: number): InboundReader {
  if (link.framing === 'typed' && link.typed) return new TypedReader(link.typed, gapMs);
  if (link.framing === 'mbap') return new MbapDtuReader(reply, gapMs);
  return new RtuRequestReader(reply, gapMs);
}
