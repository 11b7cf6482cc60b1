// Typed view of test/fixtures/mc/frames.json (see its README for where each frame comes from).
import { readFileSync } from 'node:fs';
import { MC_COMMAND, parseMcAddress, type McFrameFormat, type McRequest } from '../../../../src/protocol/mc/index.js';

interface RawRequest {
  readonly command: 'read' | 'write';
  readonly unit: 'word' | 'bit';
  readonly address: string;
  readonly points: number;
  readonly values?: number[];
}

interface Vectors {
  readonly examples: readonly {
    name: string;
    source: string;
    format: McFrameFormat;
    request: RawRequest;
    requestHex: string;
    responseHex: string;
    expect: { kind: 'ok'; values: number[] } | { kind: 'end-code'; endCode: number };
  }[];
  readonly mismatched: readonly { name: string; format: McFrameFormat; request: RawRequest; responseHex: string }[];
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
