// Read blocks → request bytes (encoded once per block, shared by every DTU of a profile)
// and response bytes → samples.

import type { ReadBlock } from '../domain/config.js';
import type { Sample } from '../domain/point.js';
import { encodeReadRequest } from '../protocol/modbus/request.js';
import { expectationFor, type Expectation } from '../protocol/modbus/response.js';
import { decodePoint } from '../protocol/modbus/values.js';

export interface BlockRequest {
  readonly request: Buffer;
  readonly expectation: Expectation;
}

const cache = new WeakMap<ReadBlock, BlockRequest>();

export function blockRequest(block: ReadBlock): BlockRequest {
  let entry = cache.get(block);
  if (!entry) {
    const request = encodeReadRequest(block.slave, block.fn, block.address, block.quantity);
    entry = { request, expectation: expectationFor(request) };
    cache.set(block, entry);
  }
  return entry;
}

export interface DecodeResult {
  readonly samples: Sample[];
  /** Points whose bytes held no valid value (bad BCD, NaN): counted, never stored. */
  readonly invalid: number;
}

export function decodeBlock(deviceId: string, block: ReadBlock, buf: Uint8Array, dataOffset: number, at: number): DecodeResult {
  const samples: Sample[] = [];
  let invalid = 0;
  for (const point of block.points) {
    const decoded = decodePoint(point, buf, dataOffset, block.address);
    if (!decoded.valid) {
      invalid++;
      continue;
    }
    samples.push({
      deviceId,
      point: point.name,
      slave: point.slave,
      address: point.address,
      value: decoded.value,
      text: decoded.text,
      raw: decoded.raw,
      ts: at,
      quality: 'good',
    });
  }
  return { samples, invalid };
}
