// Values that move, for a simulated MELSEC CPU serving a channel's tags (`dtuhub simulate
// --serve mc --channel NAME`): numbers swing around 100 ± 50 in engineering units over ten
// minutes, bits switch every ten seconds, each tag and each CPU in its own phase, so a
// user watching the device page sees the tags live. Encoded here from the manual's layout
// (32-bit values low word first, float32 as IEEE single), apart from protocol/mc.
import type { McTag } from '../../domain/mc.js';
import type { McMemory } from './mc-memory.js';

const PERIOD_MS = 600_000;
const BIT_PERIOD_MS = 20_000;
const RANGES: Readonly<Record<Exclude<McTag['type'], 'bit' | 'float32'>, readonly [number, number]>> = {
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
};
const scratch = new DataView(new ArrayBuffer(4));

/** Writes every tag's value at `atMs` into `memory`; `variant` sets apart CPUs of one run. */
export function writeTagValues(memory: McMemory, tags: readonly McTag[], atMs: number, variant: number): void {
  tags.forEach((tag, i) => {
    const phase = i * 0.7 + variant * 1.3;
    if (tag.type === 'bit') {
      memory.setBit(tag.kind, tag.number, Math.sin((2 * Math.PI * atMs) / BIT_PERIOD_MS + phase) > 0);
      return;
    }
    const engineering = 100 + 50 * Math.sin((2 * Math.PI * atMs) / PERIOD_MS + phase);
    const raw = (engineering - tag.offset) / (tag.scale === 0 ? 1 : tag.scale);
    const [low, high] = words(tag.type, raw);
    memory.setWord(tag.kind, tag.number, low);
    if (high !== undefined) memory.setWord(tag.kind, tag.number + 1, high);
  });
}

/** The word (or low and high words) that hold `raw` as `type`, clamped into its range. */
function words(type: Exclude<McTag['type'], 'bit'>, raw: number): [number, number?] {
  if (type === 'float32') {
    scratch.setFloat32(0, raw);
  } else {
    const [min, max] = RANGES[type];
    const value = Math.min(max, Math.max(min, Math.round(raw)));
    if (type === 'int16' || type === 'uint16') return [value & 0xffff];
    scratch.setUint32(0, value >>> 0);
  }
  return [scratch.getUint16(2), scratch.getUint16(0)];
}
