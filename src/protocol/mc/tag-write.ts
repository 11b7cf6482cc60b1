// A write by tag name in engineering units → the batch write that puts it in the PLC:
// the scale and offset taken off, the type's range checked, bit tags in bit units and word
// tags in word units (32-bit values as two words, low word first).
import type { McTag } from '../../domain/mc.js';
import { removeScale } from '../modbus/scaling.js';
import { MC_DEVICE_KINDS } from './devices.js';
import { MC_COMMAND, type McRequest } from './frame.js';
import { encodeValue, valueSize } from './values.js';

export interface PlannedTagWrite {
  readonly request: McRequest;
  /** The engineering value the PLC will hold (after rounding to what the type stores). */
  readonly stored: number;
  /** The value in the tag's type, before scale and offset: what the words encode. */
  readonly raw: number;
  readonly words: readonly number[];
}

export type TagWritePlan = PlannedTagWrite | { readonly problem: string };

export function planTagWrite(tag: McTag, value: number | boolean): TagWritePlan {
  const kind = MC_DEVICE_KINDS[tag.kind];
  if (tag.type === 'bit') {
    const bit = typeof value === 'boolean' ? Number(value) : value;
    if (bit !== 0 && bit !== 1) return { problem: `${tag.name} is a bit: write true, false, 1 or 0` };
    const request: McRequest = {
      command: MC_COMMAND.batchWrite,
      unit: 'bit',
      kind,
      head: tag.number,
      points: 1,
      values: [bit],
    };
    return { request, stored: bit, raw: bit, words: [bit] };
  }
  if (typeof value !== 'number') return { problem: `${tag.name} is ${tag.type}: write a number` };
  if (tag.scale === 0) return { problem: `${tag.name} has scale 0: it cannot be written` };
  const encoded = encodeValue(tag.type, removeScale(tag, value));
  if (!encoded.ok) return { problem: `${tag.name}: ${encoded.problem}` };
  const request: McRequest = {
    command: MC_COMMAND.batchWrite,
    unit: 'word',
    kind,
    head: tag.number,
    points: valueSize(tag.type),
    values: encoded.words,
  };
  return { request, stored: encoded.stored * tag.scale + tag.offset, raw: encoded.stored, words: encoded.words };
}

export function isTagWriteProblem(plan: TagWritePlan): plan is { readonly problem: string } {
  return 'problem' in plan;
}
