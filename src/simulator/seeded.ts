// Deterministic randomness for the simulator: the same seed must give the same waveforms
// and the same injected faults on every run, so a failing test can be replayed.

/** FNV-1a over the UTF-16 code units of a string: a stable 32-bit seed from a DTU ID. */
export function hashSeed(seed: string | number): number {
  const text = typeof seed === 'number' ? `#${seed}` : seed;
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Mixes two 32-bit numbers into one (for per-point and per-second variations of a seed). */
export function mix(a: number, b: number): number {
  let h = Math.imul(a ^ (b + 0x9e3779b9), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A float in [0, 1) derived from a 32-bit hash. */
export function unitFloat(hash: number): number {
  return hash / 0x1_0000_0000;
}

/** Small seeded PRNG (mulberry32); returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}
