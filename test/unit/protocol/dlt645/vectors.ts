// Typed view of test/fixtures/dlt645/frames.json (see its README for where each frame comes from).
import { readFileSync } from 'node:fs';
import type { Dlt645Request, Dlt645Version, MeterPassword, MeterTime } from '../../../../src/protocol/dlt645/index.js';

interface RawRequest {
  readonly kind: 'read' | 'read-address' | 'broadcast-time' | 'write';
  readonly version: Dlt645Version;
  readonly address?: string;
  readonly di?: string;
  readonly time?: MeterTime;
  readonly password?: MeterPassword;
  readonly operator?: string;
  readonly value?: string;
}

interface Vectors {
  readonly requests: readonly { name: string; source: string; request: RawRequest; preamble: number; hex: string }[];
  readonly answers: readonly {
    name: string;
    source: string;
    request: RawRequest;
    hex: string;
    expect:
      | { kind: 'data'; identifier: string; value?: number | string; error?: string }
      | { kind: 'exception'; status: number; reasons: string[] }
      | { kind: 'address'; address: string }
      | { kind: 'written'; address: string };
  }[];
  readonly malformed: readonly { name: string; hex: string; reason: string }[];
}

export const vectors = JSON.parse(
  readFileSync(new URL('../../../fixtures/dlt645/frames.json', import.meta.url), 'utf8'),
) as Vectors;

export function bytes(hex: string): Buffer {
  return Buffer.from(hex.replace(/\s+/g, ''), 'hex');
}

/** The fixture's request in the codec's own terms. */
export function toRequest(raw: RawRequest): Dlt645Request {
  switch (raw.kind) {
    case 'read':
      return { kind: 'read', version: raw.version, address: raw.address!, di: Number.parseInt(raw.di!, 16) };
    case 'read-address':
      return { kind: 'read-address', version: '2007' };
    case 'broadcast-time':
      return { kind: 'broadcast-time', version: raw.version, time: raw.time! };
    case 'write':
      return {
        kind: 'write',
        version: '2007',
        address: raw.address!,
        di: Number.parseInt(raw.di!, 16),
        password: raw.password!,
        operator: bytes(raw.operator!),
        value: bytes(raw.value!),
      };
  }
}
