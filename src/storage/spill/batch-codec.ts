// WriteBatch ⇄ bytes, for the spill journal. Pure: no IO.
//
// Layout (little-endian; the journal never leaves the machine that wrote it):
//   u8 format version
//   u32 length + UTF-8 JSON of the small parts: id, rows, strings, devices, connections, heartbeats,
//   events (absent in records written before events existed: read as none)
//   u32 sample count, then each sample column's used part, in SAMPLE_COLUMNS order (version 1
//   records have no flags column)
//   u32 raw packet count, then each raw packet column's used part, u32 length + packet bytes
// The typed-array columns are copied as they are: encoding a 5,000-row batch is a few
// memcpy calls and one small JSON.stringify, not 5,000 objects.
import {
  SAMPLE_STORED_AND_COUNTED,
  type RawPacketColumns,
  type SampleColumns,
  type WriteBatch,
} from '../write-batch.js';

const FORMAT_VERSION = 2;
/** Version 1 had no `flags` column: every sample was stored and counted. */
const FORMAT_WITHOUT_FLAGS = 1;

type Column = Uint8Array | Int32Array | Uint32Array | Float64Array;
type ColumnType = (new (length: number) => Column) & { readonly BYTES_PER_ELEMENT: number };

const SAMPLE_COLUMNS: readonly (readonly [keyof Omit<SampleColumns, 'count'>, ColumnType])[] = [
  ['device', Uint32Array],
  ['point', Uint32Array],
  ['slave', Int32Array],
  ['address', Int32Array],
  ['value', Float64Array],
  ['hasValue', Uint8Array],
  ['text', Int32Array],
  ['raw', Uint32Array],
  ['ts', Float64Array],
  ['quality', Uint32Array],
  ['flags', Uint8Array],
];

const RAW_COLUMNS: readonly (readonly [keyof Omit<RawPacketColumns, 'count' | 'bytes'>, ColumnType])[] = [
  ['device', Int32Array],
  ['direction', Uint8Array],
  ['kind', Uint8Array],
  ['at', Float64Array],
  ['ip', Uint32Array],
  ['port', Int32Array],
  ['note', Int32Array],
  ['byteEnd', Uint32Array],
];

type Meta = Pick<WriteBatch, 'id' | 'rows' | 'strings' | 'devices' | 'connections' | 'heartbeats' | 'events'>;

/** The record could not be decoded: a bug or a corrupt journal, never a normal condition. */
export class BatchFormatError extends Error {}

export function encodeBatch(batch: WriteBatch): Buffer {
  const meta: Meta = {
    id: batch.id,
    rows: batch.rows,
    strings: batch.strings,
    devices: batch.devices,
    connections: batch.connections,
    heartbeats: batch.heartbeats,
    events: batch.events,
  };
  const json = Buffer.from(JSON.stringify(meta), 'utf8');
  const s = batch.samples;
  const r = batch.rawPackets;
  const packetBytes = r.count === 0 ? 0 : r.byteEnd[r.count - 1]!;
  const parts: Uint8Array[] = [header(FORMAT_VERSION, json.length), json, u32(s.count)];
  for (const [name] of SAMPLE_COLUMNS) parts.push(used(s[name], s.count));
  parts.push(u32(r.count));
  for (const [name] of RAW_COLUMNS) parts.push(used(r[name], r.count));
  parts.push(u32(packetBytes), r.bytes.subarray(0, packetBytes));
  return Buffer.concat(parts);
}

export function decodeBatch(bytes: Uint8Array): WriteBatch {
  const reader = new Reader(bytes);
  const version = reader.u8();
  if (version !== FORMAT_VERSION && version !== FORMAT_WITHOUT_FLAGS)
    throw new BatchFormatError(`unknown batch format ${version}`);
  let meta: Meta;
  try {
    meta = JSON.parse(Buffer.from(reader.take(reader.u32())).toString('utf8')) as Meta;
  } catch (err) {
    throw new BatchFormatError(`batch metadata is not JSON: ${(err as Error).message}`);
  }
  const lists = [meta?.strings, meta?.devices, meta?.connections, meta?.heartbeats, meta?.events ?? []];
  if (typeof meta?.id !== 'string' || typeof meta.rows !== 'number' || !lists.every(Array.isArray)) {
    throw new BatchFormatError('batch metadata is incomplete');
  }

  const sampleCount = reader.u32();
  const samples: Record<string, unknown> = { count: sampleCount };
  for (const [name, type] of SAMPLE_COLUMNS) {
    if (name === 'flags' && version === FORMAT_WITHOUT_FLAGS) samples[name] = everyFlag(sampleCount);
    else samples[name] = reader.column(type, sampleCount);
  }
  const rawCount = reader.u32();
  const raw: Record<string, unknown> = { count: rawCount };
  for (const [name, type] of RAW_COLUMNS) raw[name] = reader.column(type, rawCount);
  raw['bytes'] = reader.column(Uint8Array, reader.u32());
  if (!reader.atEnd()) throw new BatchFormatError('trailing bytes after the batch');

  return {
    id: meta.id,
    rows: meta.rows,
    strings: meta.strings,
    devices: meta.devices,
    connections: meta.connections,
    heartbeats: meta.heartbeats,
    events: meta.events ?? [],
    samples: samples as unknown as SampleColumns,
    rawPackets: raw as unknown as RawPacketColumns,
  };
}

function everyFlag(count: number): Uint8Array {
  return new Uint8Array(count).fill(SAMPLE_STORED_AND_COUNTED);
}

function header(version: number, jsonLength: number): Uint8Array {
  const out = Buffer.allocUnsafe(5);
  out.writeUInt8(version, 0);
  out.writeUInt32LE(jsonLength, 1);
  return out;
}

function u32(value: number): Uint8Array {
  const out = Buffer.allocUnsafe(4);
  out.writeUInt32LE(value, 0);
  return out;
}

/** The first `count` elements of a column, as bytes (no copy). */
function used(column: Column, count: number): Uint8Array {
  return new Uint8Array(column.buffer, column.byteOffset, count * column.BYTES_PER_ELEMENT);
}

class Reader {
  private offset = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  u8(): number {
    this.need(1);
    return this.view.getUint8(this.offset++);
  }

  u32(): number {
    this.need(4);
    const value = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return value;
  }

  take(length: number): Uint8Array {
    this.need(length);
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  /** A fresh, aligned column (the record's bytes may sit at any offset). */
  column<T extends Column>(
    type: (new (length: number) => T) & { readonly BYTES_PER_ELEMENT: number },
    count: number,
  ): T {
    // Bounds first: a corrupt count must fail here, not allocate gigabytes.
    const bytes = this.take(count * type.BYTES_PER_ELEMENT);
    const out = new type(count);
    new Uint8Array(out.buffer).set(bytes);
    return out;
  }

  atEnd(): boolean {
    return this.offset === this.bytes.length;
  }

  private need(length: number): void {
    if (this.offset + length > this.bytes.length) throw new BatchFormatError('batch record is truncated');
  }
}
