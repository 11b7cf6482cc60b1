// Read blocks → request bytes and response bytes → samples. Both are compiled once per
// block (shared by every DTU of a profile): the request is encoded at plan time, and each
// point gets a reader that knows its type, byte order, offset and scaling.

import type { ReadBlock } from '../domain/config.js';
import type { Sample } from '../domain/point.js';
import { compilePointReader, emptyReading, outsideData, type PointReader } from '../protocol/modbus/point-reader.js';
import { encodeReadRequest } from '../protocol/modbus/request.js';
import { expectationFor, type Expectation } from '../protocol/modbus/response.js';

export interface BlockRequest {
  readonly request: Buffer;
  readonly expectation: Expectation;
}

interface CompiledBlock extends BlockRequest {
  readonly readers: readonly PointReader[];
  /** Data bytes the points need: a response must carry at least this many. */
  readonly end: number;
}

const cache = new WeakMap<ReadBlock, CompiledBlock>();

function compiled(block: ReadBlock): CompiledBlock {
  let entry = cache.get(block);
  if (!entry) {
    const request = encodeReadRequest(block.slave, block.fn, block.address, block.quantity);
    const readers = block.points.map((point) => compilePointReader(point, block.address));
    const end = readers.reduce((max, r) => Math.max(max, r.end), 0);
    entry = { request, expectation: expectationFor(request), readers, end };
    cache.set(block, entry);
  }
  return entry;
}

export function blockRequest(block: ReadBlock): BlockRequest {
  return compiled(block);
}

export interface DecodeResult {
  readonly samples: Sample[];
  /** Points whose bytes held no valid value (bad BCD, NaN): counted, never stored. */
  readonly invalid: number;
}

// Decoding is synchronous, so one reading object serves every point.
const reading = emptyReading();

export function decodeBlock(deviceId: string, block: ReadBlock, buf: Uint8Array, dataOffset: number, at: number): DecodeResult {
  const { readers, end } = compiled(block);
  if (dataOffset + end > buf.length) {
    const short = readers.find((r) => dataOffset + r.end > buf.length)!;
    throw outsideData(short.point, block.address);
  }
  const samples: Sample[] = [];
  let invalid = 0;
  for (let i = 0; i < readers.length; i++) {
    const { point, read } = readers[i]!;
    read(buf, dataOffset, reading);
    if (!reading.valid) {
      invalid++;
      continue;
    }
    samples.push({
      deviceId,
      point: point.name,
      slave: point.slave,
      address: point.address,
      value: reading.value,
      text: reading.text,
      raw: reading.raw,
      ts: at,
      quality: 'good',
    });
  }
  return { samples, invalid };
}
