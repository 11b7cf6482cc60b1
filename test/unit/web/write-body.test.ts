// The plain-words explanation of a write body must agree with the route's schema: nothing
// to explain for a body the schema accepts, at least one wrong field for one it refuses.
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { explainWrite, WRITE_BODY_SCHEMA } from '../../../src/web/routes/write-body.js';

const valid = new Ajv({ strict: true, allErrors: true }).compile(WRITE_BODY_SCHEMA);

const BODIES: unknown[] = [
  { slave: 1, fn: 5, address: 0, value: true },
  { slave: 0, fn: 6, address: 65535, value: 65535 },
  { slave: 247, fn: 15, address: 10, values: [true, false] },
  { slave: 1, fn: 16, address: 0, values: Array.from({ length: 123 }, () => 1) },
  { slave: 1, fn: 16, address: 0, values: Array.from({ length: 124 }, () => 1) },
  { slave: 1, fn: 15, address: 0, values: Array.from({ length: 1969 }, () => true) },
  { slave: 1, fn: 5, address: 0, value: 1 },
  { slave: 1, fn: 6, address: 0, value: 1.5 },
  { slave: 1, fn: 6, address: 0, value: '7' },
  { slave: 248, fn: 6, address: 0, value: 1 },
  { slave: 1, fn: 6, address: 65536, value: 1 },
  { slave: 1, fn: 6, address: 0, value: 1, extra: 1 },
  { slave: 1, fn: 15, address: 0, value: true },
  { fn: 6, address: 0, value: 1 },
  { slave: 1, address: 0, value: 1 },
  [],
  null,
  'write',
];

describe('explainWrite', () => {
  it.each(BODIES.map((b) => [JSON.stringify(b), b]))('agrees with the schema on %s', (_, body) => {
    expect(explainWrite(body).length === 0).toBe(valid(body));
  });
});
