// The byte vectors from an independent implementation (test/fixtures/README.md), typed.

import { readFileSync } from 'node:fs';
import { STORE_EVERY_SAMPLE } from '../../../../src/domain/history-policy.js';

import type { ByteOrder, DataType, PointDef } from '../../../../src/domain/point.js';

export interface FrameVector {
  readonly name: string;
  readonly slave: number;
  readonly request: string;
  readonly response: string;
  readonly note: string;
}

export interface ExceptionVector {
  readonly function: number;
  readonly code: number;
  readonly response: string;
}

export interface DecodingVector {
  readonly type: DataType;
  readonly order?: ByteOrder;
  readonly registers: readonly number[];
  readonly value: number | string | boolean;
  readonly scale?: number;
  readonly bit?: number;
  readonly note?: string;
}

export interface CrcVector {
  readonly hex: string;
  readonly ascii?: boolean;
  readonly crc_le?: string;
  readonly crc16_modbus?: string;
}

export interface ModbusVectors {
  readonly frames: readonly FrameVector[];
  readonly exceptions: readonly ExceptionVector[];
  readonly decoding: readonly DecodingVector[];
  readonly crc: readonly CrcVector[];
}

export const vectors = JSON.parse(
  readFileSync(new URL('../../../fixtures/modbus-vectors.json', import.meta.url), 'utf8'),
) as ModbusVectors;

export function hex(text: string): Buffer {
  return Buffer.from(text, 'hex');
}

export function frameNamed(name: string): FrameVector {
  const frame = vectors.frames.find((f) => f.name === name);
  if (!frame) throw new Error(`fixture frame "${name}" is missing`);
  return frame;
}

/** A holding-register point with every default filled in, as config compilation would. */
export function pointDef(overrides: Partial<PointDef>): PointDef {
  return {
    name: 'p',
    slave: 1,
    fn: 3,
    address: 0,
    type: 'uint16',
    order: 'ABCD',
    registers: 1,
    scale: 1,
    offset: 0,
    history: STORE_EVERY_SAMPLE,
    ...overrides,
  };
}

/** Register words as the big-endian bytes a response carries. */
export function registerBytes(registers: readonly number[]): Buffer {
  const buf = Buffer.alloc(registers.length * 2);
  registers.forEach((r, i) => buf.writeUInt16BE(r, 2 * i));
  return buf;
}
