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

export interface DecodeResult {
  readonly samples: Sample[];
  /** Points whose bytes held no valid value (bad BCD, NaN): counted, never stored. */
  readonly invalid: number;
}

// Decoding is synchronous, so one reading object serves every point.
const reading = emptyReading();

/** A block's request and the readers of its points, compiled once and shared by every DTU. */
export class CompiledBlock implements BlockRequest {
  readonly request: Buffer;
  readonly expectation: Expectation;
  private readonly readers: readonly PointReader[];
  /** Data bytes the points need: a response must carry at least this many. */
  private readonly end: number;

  constructor(readonly block: ReadBlock) {
    this.request = encodeReadRequest(block.slave, block.fn, block.address, block.quantity);
    this.expectation = expectationFor(this.request);
    this.readers = block.points.map((point) => compilePointReader(point, block.address));
    this.end = this.readers.reduce((max, r) => Math.max(max, r.end), 0);
  }

  /** Samples of every point with a valid value in the response data at `buf[dataOffset]`. */
  decode(deviceId: string, buf: Uint8Array, dataOffset: number, at: number): DecodeResult {
    const { readers } = this;
    if (dataOffset + this.end > buf.length) {
      const short = readers.find((r) => dataOffset + r.end > buf.length)!;
      throw outsideData(short.point, this.block.address);
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
}

const cache = new WeakMap<ReadBlock, CompiledBlock>();

export function compileBlock(block: ReadBlock): CompiledBlock {
  let entry = cache.get(block);
  if (!entry) {
    entry = new CompiledBlock(block);
    cache.set(block, entry);
  }
  return entry;
}

export function blockRequest(block: ReadBlock): BlockRequest {
  return compileBlock(block);
}

export function decodeBlock(
  deviceId: string,
  block: ReadBlock,
  buf: Uint8Array,
  dataOffset: number,
  at: number,
): DecodeResult {
  return compileBlock(block).decode(deviceId, buf, dataOffset, at);
}
