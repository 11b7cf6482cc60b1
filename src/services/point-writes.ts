// Writes by point name in engineering units (issue 19): "temperature_setpoint = 55.5 °C"
// becomes register 555 through the point's own definition, is checked against its limits,
// sent through the device's queue like a raw write, then read back at once through the same
// queue, so the operator sees what the device now holds beside what was asked for.
import type { PointDef } from '../domain/point.js';
import { mergePointsIntoBlocks } from '../plan/read-plan.js';
import {
  isWriteProblem,
  notWritable,
  planPointWrite,
  type NotWritable,
  type PointWriteProblem,
} from '../protocol/modbus/point-write.js';
import type { WriteCommand } from '../protocol/modbus/write-command.js';
import { testRead } from './config-edit/test-read.js';
import { DevicesService } from './devices.js';
import { ServiceError } from './errors.js';
import type { Runtime } from './runtime.js';

/** What a raw write answers (writes.ts's WriteOutcome; generic here to keep the import one-way). */
type SendOutcome = { readonly kind: 'ok'; readonly at: number } | { readonly kind: Exclude<string, 'ok'> };

export interface PointWriteRequest {
  readonly point: string;
  readonly value: number | boolean;
  /** Only check and encode: nothing is sent (the UI's confirm dialog shows the registers). */
  readonly dryRun?: boolean;
}

/** What the device held right after the write, or why it could not be read. */
export type ReadBack =
  { readonly value: number | null; readonly raw: string; readonly at: number } | { readonly error: string };

export interface PlannedPointWrite {
  readonly point: string;
  readonly unit: string | null;
  readonly value: number | boolean;
  /** The engineering value the registers hold (after rounding to what the type stores). */
  readonly stored: number;
  /** The Modbus write; null for a PLC tag (`plc`). */
  readonly command: WriteCommand | null;
  readonly registers: readonly number[];
  /** A PLC tag's write (MC, S7): its address, type and the value in that type. */
  readonly plc?: { readonly address: string; readonly type: string; readonly value: number | boolean };
}

export type PointWriteOutcome<O extends SendOutcome = SendOutcome> =
  | ({ readonly kind: 'planned' } & PlannedPointWrite)
  | ({ readonly kind: 'written'; readonly at: number; readonly readBack: ReadBack } & PlannedPointWrite)
  | ({ readonly kind: 'failed'; readonly failure: Exclude<O, { kind: 'ok' }> } & PlannedPointWrite)
  | { readonly kind: 'refused'; readonly problem: PointWriteProblem };

/** A point the write form offers by name, with what the UI needs to explain it. */
export interface WritablePoint {
  readonly name: string;
  readonly unit: string | null;
  readonly type: string;
  readonly scale: number;
  readonly offset: number;
  readonly min: number | null;
  readonly max: number | null;
  /** Null when writable by name; else why not (the raw form still reaches it). */
  readonly notWritable: NotWritable | null;
}

async function devicePoints(rt: Runtime, deviceId: string): Promise<readonly PointDef[]> {
  const device = await new DevicesService(rt).get(deviceId);
  if (!device) throw new ServiceError('DEVICE_NOT_FOUND', `no device ${deviceId}`);
  return rt.config.points.profiles.get(device.profile)?.points ?? [];
}

export async function writablePoints(rt: Runtime, deviceId: string): Promise<WritablePoint[]> {
  return (await devicePoints(rt, deviceId)).map((p) => writableEntry(p, notWritable(p)));
}

/** A point or a channel's tag as the write form lists it (a limit it lacks: null). */
export function writableEntry(
  p: {
    readonly name: string;
    readonly unit?: string;
    readonly type: string;
    readonly scale: number;
    readonly offset: number;
    readonly min?: number;
    readonly max?: number;
  },
  notWritable: NotWritable | null,
): WritablePoint {
  const { name, type, scale, offset } = p;
  return { name, unit: p.unit ?? null, type, scale, offset, min: p.min ?? null, max: p.max ?? null, notWritable };
}

export async function writePoint<O extends SendOutcome>(
  rt: Runtime,
  deviceId: string,
  request: PointWriteRequest,
  send: (command: WriteCommand) => Promise<O>,
): Promise<PointWriteOutcome<O>> {
  const point = (await devicePoints(rt, deviceId)).find((p) => p.name === request.point);
  if (!point) throw new ServiceError('POINT_NOT_FOUND', `device ${deviceId} has no point ${request.point}`);
  const plan = planPointWrite(point, request.value);
  if (isWriteProblem(plan)) return { kind: 'refused', problem: plan };
  const planned: PlannedPointWrite = {
    point: point.name,
    unit: point.unit ?? null,
    value: request.value,
    stored: plan.stored,
    command: plan.command,
    registers: plan.registers,
  };
  if (request.dryRun) return { kind: 'planned', ...planned };
  const outcome = await send(plan.command);
  if (!isOk(outcome)) return { kind: 'failed', failure: outcome as Exclude<O, { kind: 'ok' }>, ...planned };
  return { kind: 'written', at: outcome.at, readBack: await readBack(rt, deviceId, point), ...planned };
}

function isOk(outcome: SendOutcome): outcome is { readonly kind: 'ok'; readonly at: number } {
  return outcome.kind === 'ok';
}

/** One read of the point through the device's queue, right behind the write. */
async function readBack(rt: Runtime, deviceId: string, point: PointDef): Promise<ReadBack> {
  const outcome = await testRead(rt, mergePointsIntoBlocks([point], 0), deviceId);
  if (outcome.kind === 'not-online') return { error: 'not-online' };
  const block = outcome.blocks[0];
  const value = block?.values.find((v) => v.point === point.name);
  if (!block || block.result !== 'ok' || !value) return { error: block?.result ?? 'no answer' };
  return { value: value.value, raw: value.raw, at: outcome.at };
}
