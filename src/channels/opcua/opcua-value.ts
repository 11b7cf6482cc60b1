// An OPC UA DataValue → what a mapped point stores. Pure: it reads the DataValue's shape
// (node-opcua's classes are only types here), so it runs and is tested without a server.
//
// Only Good values are stored: a Bad or Uncertain status says the server itself does not
// vouch for the number (sensor failure, last usable value), and storing it would put a
// wrong reading in history. Those are counted as collect errors with the status name.
import type { OpcuaItem } from '../../domain/channels.js';
import type { Sample } from '../../domain/point.js';
import { mappedSample, valueMapper, type ValueMapper } from '../mapped-value.js';

/** Built-in type ids (OPC UA Part 6, 5.1.2): the few that need more than "take the value". */
const BUILT_IN = { Null: 0, Int64: 8, UInt64: 9, DateTime: 13, ByteString: 15, LocalizedText: 21 } as const;
/** VariantArrayType.Scalar. */
const SCALAR = 0;
/** StatusCode severity bits: 00 Good, 01 Uncertain, 10/11 Bad. */
const SEVERITY_MASK = 0xc0000000;

/** The parts of node-opcua's DataValue this module reads. */
export interface DataValueLike {
  readonly value: { readonly dataType: number; readonly arrayType: number; readonly value: unknown };
  readonly statusCode: { readonly value: number; readonly name: string };
  readonly sourceTimestamp: Date | null;
  readonly serverTimestamp: Date | null;
}

export type ItemReading =
  { readonly ok: true; readonly sample: Sample } | { readonly ok: false; readonly problem: string };

/** Compiled once per monitored item. */
export class OpcuaItemMapper {
  private readonly mapper: ValueMapper;

  constructor(readonly item: OpcuaItem) {
    this.mapper = valueMapper(item);
  }

  /** The sample for one notification, or why there is none (for the channel's last error). */
  map(dv: DataValueLike, deviceId: string, receivedAt: number): ItemReading {
    const { name } = this.item;
    if ((dv.statusCode.value & SEVERITY_MASK) >>> 0 !== 0)
      return { ok: false, problem: `${name}: ${dv.statusCode.name}` };
    const input = plainValue(dv.value);
    if (typeof input === 'object' && input !== null) return { ok: false, problem: `${name}: ${input.unsupported}` };
    const reading = this.mapper.map(input);
    if (reading === 'missing') return { ok: false, problem: `${name}: no value` };
    if (reading === 'not-a-value') return { ok: false, problem: `${name}: not a number` };
    const ts = sampleTime(dv) ?? receivedAt;
    return { ok: true, sample: mappedSample(deviceId, name, reading, ts) };
  }
}

/** The source's clock when it sent one, else the server's: the time the value was true. */
export function sampleTime(dv: Pick<DataValueLike, 'sourceTimestamp' | 'serverTimestamp'>): number | null {
  for (const t of [dv.sourceTimestamp, dv.serverTimestamp]) {
    // node-opcua reports an absent timestamp as null, or as the OPC UA minimum (1601) on some paths.
    if (t instanceof Date && !Number.isNaN(t.getTime()) && t.getTime() > 0) return t.getTime();
  }
  return null;
}

/**
 * A Variant's value as a plain JS value the point mapper takes (number, boolean, string,
 * bigint, or null), or why it cannot be one point's value.
 */
export function plainValue(
  variant: DataValueLike['value'],
): number | boolean | string | bigint | null | { unsupported: string } {
  const { dataType, arrayType, value } = variant;
  if (dataType === BUILT_IN.Null || value === null || value === undefined) return null;
  if (arrayType !== SCALAR) return { unsupported: 'arrays are not supported (map one element per variable)' };
  switch (dataType) {
    case BUILT_IN.Int64:
    case BUILT_IN.UInt64:
      return int64(value, dataType === BUILT_IN.Int64);
    case BUILT_IN.DateTime:
      return value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : null;
    case BUILT_IN.ByteString:
      return { unsupported: 'ByteString values are not supported' };
    case BUILT_IN.LocalizedText:
      return typeof value === 'object' && 'text' in value ? ((value as { text: string | null }).text ?? null) : null;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string' || typeof value === 'bigint')
    return value;
  return { unsupported: `values of built-in type ${dataType} are not supported` };
}

/** node-opcua carries 64-bit integers as [high, low] 32-bit words; a bigint keeps them exact. */
function int64(value: unknown, signed: boolean): bigint | { unsupported: string } {
  if (typeof value === 'bigint') return value;
  if (Array.isArray(value) && value.length === 2 && value.every((w) => typeof w === 'number' && Number.isInteger(w))) {
    const [hi, lo] = value as [number, number];
    const bits = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    return signed ? BigInt.asIntN(64, bits) : bits;
  }
  return { unsupported: '64-bit value in an unknown form' };
}
