// Tags → as few batch reads as the 3E limits allow: tags of one device kind are sorted by
// number and taken into one read while the span from its first device to the end of the
// tag stays within 960 words (word devices) or 3,584 bits (bit devices, read in bit units).
// Gaps are read too: one request costs a PLC scan, a few unused words cost nothing.
import type { McTag } from '../../domain/mc.js';
import { MC_DEVICE_KINDS, type McDeviceKind } from './devices.js';
import { MAX_BIT_POINTS, MAX_WORD_POINTS, MC_COMMAND, type McRequest } from './frame.js';
import { valueSize } from './values.js';

export interface McReadBlock<T extends McTag = McTag> {
  readonly request: McRequest;
  /** Each tag with where its value starts among the block's points. */
  readonly members: readonly { readonly tag: T; readonly at: number }[];
}

export function planReads<T extends McTag>(
  tags: readonly T[],
  limits = { words: MAX_WORD_POINTS, bits: MAX_BIT_POINTS },
): McReadBlock<T>[] {
  const byKind = new Map<McDeviceKind, T[]>();
  for (const tag of tags) {
    const kind = MC_DEVICE_KINDS[tag.kind];
    const list = byKind.get(kind) ?? [];
    list.push(tag);
    byKind.set(kind, list);
  }
  const blocks: McReadBlock<T>[] = [];
  for (const [kind, list] of byKind) {
    const limit = kind.unit === 'word' ? limits.words : limits.bits;
    const sorted = [...list].sort((a, b) => a.number - b.number || valueSize(b.type) - valueSize(a.type));
    let head = -1;
    let end = -1;
    let members: { tag: T; at: number }[] = [];
    const close = () => {
      if (members.length === 0) return;
      const request: McRequest = { command: MC_COMMAND.batchRead, unit: kind.unit, kind, head, points: end - head };
      blocks.push({ request, members });
    };
    for (const tag of sorted) {
      const tagEnd = tag.number + valueSize(tag.type);
      if (members.length > 0 && Math.max(end, tagEnd) - head <= limit) {
        end = Math.max(end, tagEnd);
        members.push({ tag, at: tag.number - head });
        continue;
      }
      close();
      head = tag.number;
      end = tagEnd;
      members = [{ tag, at: 0 }];
    }
    close();
  }
  return blocks;
}
