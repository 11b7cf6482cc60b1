// Writes by point name to a device an S7 channel feeds: the tag's own definition turns the
// value in its unit into the tag's type (protocol/s7/value.ts), with its write limits and
// the type's range checked; the channel writes it between polls, then reads the tag back at
// once through the same connection.
import { S7Channel } from '../channels/s7/s7-channel.js';
import type { S7ChannelConfig } from '../domain/channels.js';
import { planS7Write, s7NotWritable } from '../protocol/s7/value.js';
import { ServiceError } from './errors.js';
import type { PointWriteOutcome, PointWriteRequest, PlannedPointWrite, WritablePoint } from './point-writes.js';
import type { Runtime } from './runtime.js';

/** The S7 channel that feeds `deviceId`, if one does. */
export function s7ChannelOf(rt: Runtime, deviceId: string): S7ChannelConfig | null {
  for (const c of rt.config.server.channels) if (c.type === 's7' && c.device === deviceId) return c;
  return null;
}

export function writableS7Points(config: S7ChannelConfig): WritablePoint[] {
  return config.tags.map((t) => ({
    name: t.name,
    unit: t.unit ?? null,
    type: t.type,
    scale: t.scale,
    offset: t.offset,
    min: t.min ?? null,
    max: t.max ?? null,
    notWritable: s7NotWritable(t),
  }));
}

/** How an S7 write fails, in the terms of a raw write's outcome (writes.ts). */
export type S7WriteFailure =
  | { readonly kind: 'not-online' }
  | { readonly kind: 'timeout'; readonly attempts: number }
  | { readonly kind: 'closed' }
  | { readonly kind: 'refused'; readonly message: string };

export async function writeS7Point(
  rt: Runtime,
  config: S7ChannelConfig,
  request: PointWriteRequest,
): Promise<PointWriteOutcome<S7WriteFailure | { readonly kind: 'ok'; readonly at: number }>> {
  const tag = config.tags.find((t) => t.name === request.point);
  if (!tag) throw new ServiceError('POINT_NOT_FOUND', `device ${config.device} has no point ${request.point}`);
  const plan = planS7Write(tag, request.value);
  if ('problem' in plan) return { kind: 'refused', problem: plan };
  const planned: PlannedPointWrite = {
    point: tag.name,
    unit: tag.unit ?? null,
    value: request.value,
    stored: plan.stored,
    command: null,
    registers: [],
    plc: { address: tag.addressText, type: tag.type, value: plan.raw },
  };
  if (request.dryRun) return { kind: 'planned', ...planned };
  const channel = rt.channels.has(config.name) ? rt.channels.get(config.name) : null;
  if (!(channel instanceof S7Channel)) return { kind: 'failed', failure: { kind: 'not-online' }, ...planned };
  const outcome = await channel.writeTag(config.device, tag, plan.plc);
  switch (outcome.kind) {
    case 'ok': {
      const back = await channel.readTag(config.device, tag);
      return { kind: 'written', at: outcome.at, readBack: back, ...planned };
    }
    case 'not-online':
      return { kind: 'failed', failure: { kind: 'not-online' }, ...planned };
    case 'refused':
      return { kind: 'failed', failure: { kind: 'refused', message: outcome.message }, ...planned };
    case 'failed':
      return {
        kind: 'failed',
        failure: outcome.failure === 'timeout' ? { kind: 'timeout', attempts: 1 } : { kind: 'closed' },
        ...planned,
      };
  }
}
