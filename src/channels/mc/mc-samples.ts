// A read block's answer → the samples of its tags: each tag's value taken from its words,
// scaled like any point, with the device words as the raw value.
import type { McTag } from '../../domain/mc.js';
import type { Sample } from '../../domain/point.js';
import { scalerFor, type Scaler } from '../../protocol/modbus/scaling.js';
import { decodeValue, planReads, rawHex, type McReadBlock } from '../../protocol/mc/index.js';

/** A tag with its scaler, compiled once per channel. */
export interface ReadyTag extends McTag {
  readonly scaler: Scaler;
}

export function readPlan(tags: readonly McTag[]): McReadBlock<ReadyTag>[] {
  return planReads(tags.map((tag) => ({ ...tag, scaler: scalerFor(tag, tag.type !== 'float32') })));
}

/** The block's samples, and the tags whose words hold no number (a float32 NaN or infinity). */
export function blockSamples(
  block: McReadBlock<ReadyTag>,
  values: readonly number[],
  deviceId: string,
  at: number,
): { samples: Sample[]; notNumbers: string[] } {
  const samples: Sample[] = [];
  const notNumbers: string[] = [];
  for (const { tag, at: offset } of block.members) {
    const value = tag.scaler(decodeValue(tag.type, values, offset));
    const raw = rawHex(tag.type, values, offset);
    if (!Number.isFinite(value)) {
      notNumbers.push(tag.name);
      continue;
    }
    samples.push({
      deviceId,
      point: tag.name,
      slave: 0,
      address: tag.number,
      value,
      text: null,
      raw,
      ts: at,
      quality: 'good',
    });
  }
  return { samples, notNumbers };
}
