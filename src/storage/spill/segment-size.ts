// The spill journal's segment size, shared by every store and sink that keeps a journal.

/**
 * A replayed segment's space comes back when the replay has passed all of it: small segments
 * free space as the replay goes. A 16th of the cap, between 64 KiB and 4 MiB (hundreds of
 * files for a 2 GiB journal at most; each costs a file open at start).
 */
export function spillSegmentBytes(maxBytes: number): number {
  return Math.min(4 * 2 ** 20, Math.max(64 * 1024, Math.floor(maxBytes / 16)));
}
