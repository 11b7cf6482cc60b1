// Typed view of test/fixtures/mc/frames.json (see its README for where each frame comes from).
import { readFileSync } from 'node:fs';
import {
  MC_COMMAND,
  parseMcAddress,
  type McFrameFormat,
  type McFrameType,
  type McRequest,
} from '../../../../src/protocol/mc/index.js';

interface RawRequest {
  readonly command: 'read' | 'write';
  readonly unit: 'word' | 'bit';
  readonly address: string;
  readonly points: number;
  readonly values?: number[];
}

/** 4E frames give their frame and the request's serial number; 3E frames give neither. */
interface Framing {
  frame?: McFrameType;
  serial?: number;
}

interface Vectors {
  readonly examples: readonly (Framing & {
    name: string;
    source: string;
    format: McFrameFormat;
    request: RawRequest;
    requestHex: string;
    responseHex: string;
    expect: { kind: 'ok'; values: number[] } | { kind: 'end-code'; endCode: number };
  })[];
  readonly mismatched: readonly (Framing & {
    name: string;
    format: McFrameFormat;
    request: RawRequest;
    responseHex: string;
  })[];
}

export const VECTORS = JSON.parse(
  readFileSync(new URL('../../../fixtures/mc/frames.json', import.meta.url), 'utf8'),
) as Vectors;

export function requestOf(raw: RawRequest): McRequest {
  const parsed = parseMcAddress(raw.address);
  if (!parsed.ok) throw new Error(parsed.problem);
  return {
    command: raw.command === 'read' ? MC_COMMAND.batchRead : MC_COMMAND.batchWrite,
    unit: raw.unit,
    kind: parsed.address.kind,
    head: parsed.address.number,
    points: raw.points,
    ...(raw.values ? { values: raw.values } : {}),
  };
}

/** The encoder's frame options of a vector: 3E, or 4E with its serial number. */
export function framingOf(v: Framing): { frame: McFrameType; serial?: number } {
  return v.frame === '4e' ? { frame: '4e', serial: v.serial ?? 0 } : { frame: '3e' };
}
