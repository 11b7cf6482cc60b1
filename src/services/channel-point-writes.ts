// Writes by point name to devices fed by a channel that writes its own protocol (MC, S7): the
// channel checks the value against the tag's definition, sends it and reads it back; this file
// turns its answer into the shapes the write form and the API already use for Modbus points.
import type { ChannelPointWrite } from '../channels/channel-types.js';
import { s7NotWritable } from '../protocol/s7/value.js';
import { writableEntry, type PointWriteOutcome, type PointWriteRequest, type WritablePoint } from './point-writes.js';
import type { Runtime } from './runtime.js';

/**
 * The tags of the MC or S7 channel that feeds `deviceId`, as the write form lists points; null
 * when none does. From config, so a stopped channel's tags are listed too (a dry run plans them).
 */
export function channelWritablePoints(rt: Runtime, deviceId: string): WritablePoint[] | null {
  for (const c of rt.config.server.channels) {
    // MC tags have no write limits; S7 tags may, and may be read-only or text.
    if (c.type === 'mc' && c.device === deviceId) return c.tags.map((t) => writableEntry(t, null));
    if (c.type === 's7' && c.device === deviceId) return c.tags.map((t) => writableEntry(t, s7NotWritable(t)));
  }
  return null;
}

/** The write through the channel that feeds the device; null when no channel writes it by name. */
export type ChannelWriteFailure = Extract<ChannelPointWrite, { kind: 'failed' }>;

/** What a failed raw write answers (writes.ts's WriteOutcome; generic here to keep the import one-way). */
type SendOutcome = { readonly kind: 'ok'; readonly at: number } | { readonly kind: Exclude<string, 'ok'> };

export async function writeChannelPoint<O extends SendOutcome>(
  rt: Runtime,
  deviceId: string,
  request: PointWriteRequest,
  failureOf: (failed: ChannelWriteFailure) => Exclude<O, { kind: 'ok' }>,
): Promise<PointWriteOutcome<O> | 'unknown-point' | null> {
  const pending = rt.channels.writePoint(deviceId, request.point, request.value, request.dryRun === true);
  if (!pending) return null;
  return asPointWrite(await pending, request.value, failureOf);
}

function asPointWrite<O extends SendOutcome>(
  outcome: ChannelPointWrite,
  value: number | boolean,
  failureOf: (failed: ChannelWriteFailure) => Exclude<O, { kind: 'ok' }>,
): PointWriteOutcome<O> | 'unknown-point' {
  switch (outcome.kind) {
    case 'unknown-point':
      return 'unknown-point';
    case 'refused':
      return { kind: 'refused', problem: outcome.problem };
  }
  const planned = {
    point: outcome.point,
    unit: outcome.unit,
    value,
    stored: outcome.stored,
    command: null,
    registers: outcome.words,
    plc: { address: outcome.address, type: outcome.type, value: outcome.raw },
  };
  switch (outcome.kind) {
    case 'planned':
      return { kind: 'planned', ...planned };
    case 'written':
      return { kind: 'written', at: outcome.at, readBack: outcome.readBack, ...planned };
    case 'failed':
      return { kind: 'failed', failure: failureOf(outcome), ...planned };
  }
}
