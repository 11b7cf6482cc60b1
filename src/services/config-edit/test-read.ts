// The editor's "test" action: read one task or one point of an unsaved candidate profile
// once from an online device and show what it decodes to, before anything is saved. The
// candidate is compiled by the loader like any config; the request goes through the
// device's own queue (as writes do), so it never collides with a poll on the bus.
import type { DtuhubConfig, ReadBlock } from '../../domain/config.js';
import { DeviceNotOnlineError } from '../../gateway/gateway.js';
import { mergePointsIntoBlocks } from '../../plan/read-plan.js';
import { blockRequest, decodeBlock } from '../../polling/block-decoder.js';
import { exceptionName } from '../../protocol/modbus/exceptions.js';
import { ServiceError } from '../errors.js';
import type { Runtime } from '../runtime.js';

export interface TestTarget {
  readonly device: string;
  readonly profile: string;
  /** One of task or point. */
  readonly task?: string;
  readonly point?: string;
}

export interface TestValue {
  readonly point: string;
  readonly value: number | null;
  readonly text: string | null;
  readonly unit: string | null;
  /** The register bytes as hex, as read. */
  readonly raw: string;
}

export interface TestBlock {
  readonly slave: number;
  readonly fn: number;
  readonly address: number;
  readonly quantity: number;
  /** `ok`, or why there are no values: `exception 2 (illegal data address)`, `timeout`, … */
  readonly result: string;
  readonly values: readonly TestValue[];
  /** Points whose bytes held no valid value (bad BCD, NaN). */
  readonly invalid: number;
}

export type TestReadOutcome =
  { readonly kind: 'ok'; readonly at: number; readonly blocks: readonly TestBlock[] } | { readonly kind: 'not-online' };

/** The read blocks of the target in the compiled candidate. */
export function targetBlocks(config: DtuhubConfig, target: TestTarget): readonly ReadBlock[] {
  const profile = config.points.profiles.get(target.profile);
  if (!profile) throw new ServiceError('CONFIG_TEST_TARGET_NOT_FOUND', `no profile ${target.profile}`);
  if (target.task !== undefined) {
    const task = profile.tasks.find((t) => t.name === target.task);
    if (!task) throw new ServiceError('CONFIG_TEST_TARGET_NOT_FOUND', `no task ${target.task} in ${target.profile}`);
    return task.blocks;
  }
  const point = profile.points.find((p) => p.name === target.point);
  if (!point) throw new ServiceError('CONFIG_TEST_TARGET_NOT_FOUND', `no point ${target.point} in ${target.profile}`);
  return mergePointsIntoBlocks([point], 0);
}

export async function testRead(rt: Runtime, blocks: readonly ReadBlock[], device: string): Promise<TestReadOutcome> {
  const out: TestBlock[] = [];
  let at = Date.now();
  for (const block of blocks) {
    let outcome;
    try {
      outcome = await rt.transact(device, blockRequest(block).request);
    } catch (err) {
      if (err instanceof DeviceNotOnlineError) return { kind: 'not-online' };
      throw err;
    }
    at = outcome.at;
    const where = { slave: block.slave, fn: block.fn, address: block.address, quantity: block.quantity };
    if (outcome.kind !== 'ok') {
      const result =
        outcome.kind === 'exception' ? `exception ${outcome.code} (${exceptionName(outcome.code)})` : outcome.kind;
      out.push({ ...where, result, values: [], invalid: 0 });
      if (outcome.kind === 'closed') break;
      continue;
    }
    const units = new Map(block.points.map((p) => [p.name, p.unit ?? null]));
    const { samples, invalid } = decodeBlock(device, block, outcome.buf, outcome.dataOffset, outcome.at);
    const values = samples.map((s) => ({
      point: s.point,
      value: s.value,
      text: s.text ?? null,
      unit: units.get(s.point) ?? null,
      raw: s.raw,
    }));
    out.push({ ...where, result: 'ok', values, invalid });
  }
  return { kind: 'ok', at, blocks: out };
}
