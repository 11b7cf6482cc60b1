// A write by point name to an S7 channel's tag, as every channel that writes its own protocol
// answers one (ChannelPointWrite): the tag's definition plans the value (protocol/s7/value.ts:
// write limits, the type's range), which needs no connection, so a dry run works while the
// channel is stopped; the write and its read-back go through the channel's connection.
import type { S7Tag } from '../../domain/s7.js';
import { planS7Write } from '../../protocol/s7/value.js';
import { plannedChannelWrite, type ChannelPointWrite } from '../channel-types.js';

/** What a write by name came to; `failed`: the connection broke or the PLC did not answer in time. */
export type S7WriteOutcome =
  | { readonly kind: 'ok'; readonly at: number }
  | { readonly kind: 'not-online' }
  | { readonly kind: 'refused'; readonly message: string }
  | { readonly kind: 'failed'; readonly failure: 'timeout' | 'closed'; readonly message: string };

/** A tag read on its own (a write's read-back): its engineering value and the PLC's. */
export type S7TagValue =
  { readonly value: number | null; readonly raw: string; readonly at: number } | { readonly error: string };

/** The channel's connection as a write needs it. */
export interface S7TagAccess {
  writeTag(tag: S7Tag, plc: number | boolean): Promise<S7WriteOutcome>;
  readTag(tag: S7Tag): Promise<S7TagValue>;
}

export async function writeS7Tag(
  access: S7TagAccess,
  tags: readonly S7Tag[],
  point: string,
  value: number | boolean,
  dryRun: boolean,
): Promise<ChannelPointWrite> {
  const tag = tags.find((t) => t.name === point);
  if (!tag) return { kind: 'unknown-point' };
  const plan = planS7Write(tag, value);
  if ('problem' in plan) return { kind: 'refused', problem: plan };
  const planned = plannedChannelWrite(tag, tag.addressText, plan);
  if (dryRun) return { kind: 'planned', ...planned };
  const outcome = await access.writeTag(tag, plan.plc);
  switch (outcome.kind) {
    case 'ok':
      return { kind: 'written', at: outcome.at, readBack: await access.readTag(tag), ...planned };
    case 'not-online':
      return { kind: 'failed', failure: 'not-online', code: null, reason: 'not connected', ...planned };
    case 'refused':
      return { kind: 'failed', failure: 'answered', code: null, reason: outcome.message, ...planned };
    case 'failed':
      return { kind: 'failed', failure: outcome.failure, code: null, reason: outcome.message, ...planned };
  }
}
