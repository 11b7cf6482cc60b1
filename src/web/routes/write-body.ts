// The body of POST /api/devices/:id/write: its schema, and the explanation of a refused
// body field by field. The schema's `oneOf` is exact but its errors list every branch
// ("must be boolean", "must be <= 65535", "must match exactly one schema in oneOf", …);
// an operator needs one line per wrong field saying what it should be.

export type WriteBody =
  | { slave: number; fn: 5; address: number; value: boolean }
  | { slave: number; fn: 6; address: number; value: number }
  | { slave: number; fn: 15; address: number; values: boolean[] }
  | { slave: number; fn: 16; address: number; values: number[] };

const MAX_SLAVE = 247;
const MAX_WORD = 65535;
const MAX_COILS = 1968;
const MAX_REGISTERS = 123;

const SLAVE = { type: 'integer', minimum: 0, maximum: MAX_SLAVE } as const;
const ADDRESS = { type: 'integer', minimum: 0, maximum: MAX_WORD } as const;
const REGISTER = { type: 'integer', minimum: 0, maximum: MAX_WORD } as const;

function variant(fn: number, valueSchema: Record<string, unknown>, key: 'value' | 'values') {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['slave', 'fn', 'address', key],
    properties: { slave: SLAVE, fn: { const: fn }, address: ADDRESS, [key]: valueSchema },
  };
}

export const WRITE_BODY_SCHEMA = {
  oneOf: [
    variant(5, { type: 'boolean' }, 'value'),
    variant(6, REGISTER, 'value'),
    variant(15, { type: 'array', minItems: 1, maxItems: MAX_COILS, items: { type: 'boolean' } }, 'values'),
    variant(16, { type: 'array', minItems: 1, maxItems: MAX_REGISTERS, items: REGISTER }, 'values'),
  ],
};

export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

const WORD_TEXT = `a whole number from 0 to ${MAX_WORD}`;

/** What each function writes: its one data field, the check, and the words for it. */
const DATA: Record<5 | 6 | 15 | 16, { key: 'value' | 'values'; ok: (v: unknown) => boolean; text: string }> = {
  5: { key: 'value', ok: (v) => typeof v === 'boolean', text: 'true or false' },
  6: { key: 'value', ok: (v) => isWhole(v, MAX_WORD), text: WORD_TEXT },
  15: {
    key: 'values',
    ok: (v) => isList(v, MAX_COILS) && v.every((b) => typeof b === 'boolean'),
    text: `a list of 1 to ${MAX_COILS} coils, each true or false`,
  },
  16: {
    key: 'values',
    ok: (v) => isList(v, MAX_REGISTERS) && v.every((w) => isWhole(w, MAX_WORD)),
    text: `a list of 1 to ${MAX_REGISTERS} registers, each ${WORD_TEXT}`,
  },
};

function isWhole(v: unknown, max: number): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
}

function isList(v: unknown, max: number): v is unknown[] {
  return Array.isArray(v) && v.length >= 1 && v.length <= max;
}

/** Every wrong field of a write body in plain words; empty when the body is a valid write. */
export function explainWrite(body: unknown): FieldProblem[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return [{ field: 'body', message: 'must be a JSON object with slave, fn, address and value or values' }];
  }
  const b = body as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  const check = (field: string, ok: boolean, text: string) => {
    if (!(field in b)) problems.push({ field, message: `is missing: ${text}` });
    else if (!ok) problems.push({ field, message: `must be ${text}` });
  };
  check('slave', isWhole(b['slave'], MAX_SLAVE), `the slave address, a whole number from 0 to ${MAX_SLAVE}`);
  check('fn', b['fn'] === 5 || b['fn'] === 6 || b['fn'] === 15 || b['fn'] === 16, 'the function, 5, 6, 15 or 16');
  check('address', isWhole(b['address'], MAX_WORD), `the first address, a whole number from 0 to ${MAX_WORD}`);
  const fn = b['fn'] as keyof typeof DATA;
  const data = DATA[fn] as (typeof DATA)[keyof typeof DATA] | undefined;
  if (data) check(data.key, data.ok(b[data.key]), data.text);
  // Without a valid fn, value and values cannot be judged: only the fn is reported.
  const fields = ['slave', 'fn', 'address', ...(data ? [data.key] : ['value', 'values'])];
  for (const key of Object.keys(b)) {
    if (fields.includes(key)) continue;
    const otherData = data && (key === 'value' || key === 'values');
    const message = otherData ? `is not a field of function ${fn} (it takes ${data.key})` : 'is not a field of a write';
    problems.push({ field: key, message });
  }
  return problems;
}
