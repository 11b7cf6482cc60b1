// JSON Schema of an s7 channel's own keys (server.yml `channels:` with `type: s7`): rack,
// slot and the tag list, whose shape mc channels share (compile-mc-tags.ts refuses the
// keys only s7 takes). The keys it shares with other types (host, port, every, timeout,
// device) are declared once in channels.schema.ts; compile-s7.ts reads them all.
import { strictObject, type JsonSchema } from './common.js';

const d = (schema: JsonSchema, description: string, value?: unknown): JsonSchema =>
  value === undefined ? { ...schema, description } : { ...schema, default: value, description };

/** Tag keys an s7 channel takes and an mc channel does not. */
export const S7_ONLY_TAG_KEYS = ['writable', 'min', 'max'] as const;

export const PLC_TAG_SCHEMA: JsonSchema = strictObject(
  {
    name: d(
      {
        type: 'string',
        minLength: 1,
        maxLength: 64,
        pattern: '^[\\p{L}\\p{N}_][\\p{L}\\p{N}_.\\-]*$',
        'x-message': 'must be a name of letters, digits, _ . - (at most 64, starting with a letter or digit)',
      },
      'Point name, unique within the list.',
    ),
    // Checked by protocol/s7/address.ts, which says what is wrong with it.
    address: d(
      { type: 'string', minLength: 1, maxLength: 40 },
      's7: DB1.DBD8, M10.1, IW64, DB1.STRING10.20 …; mc: D100, M10, X1F (X, Y, W in hex).',
    ),
    type: d(
      { type: 'string', minLength: 1 },
      'What the address holds. s7: bool, byte, sint, int, word, dint, real …; mc: bit, int16, uint16, int32, uint32, float32.',
    ),
    scale: d({ type: 'number' }, 'value = raw × scale + offset.', 1),
    offset: d({ type: 'number' }, 'value = raw × scale + offset.', 0),
    decimals: d({ type: 'integer', minimum: 0, maximum: 12 }, 'Round the result to this many decimals.'),
    unit: d({ type: 'string', maxLength: 32 }, 'Shown with the values.'),
    // No schema default, so an mc tag that sets it can be told it is s7's (false when left out).
    writable: d({ type: 'boolean' }, 's7: true lets the API and UI write it by name (mc tags always may).'),
    min: d({ type: 'number' }, 's7: lowest value a write may set, in the unit.'),
    max: d({ type: 'number' }, 's7: highest value a write may set, in the unit.'),
  },
  ['name', 'address'],
);

/** The s7 keys of CHANNEL_SCHEMA. */
export const S7_CHANNEL_PROPERTIES: Record<string, JsonSchema> = {
  rack: d({ type: 'integer', minimum: 0, maximum: 7 }, 's7: rack of the CPU.', 0),
  slot: d({ type: 'integer', minimum: 0, maximum: 31 }, 's7: slot of the CPU (300/400: 2, 1200/1500: 1).', 1),
  tags: d({ type: 'array', minItems: 1, items: PLC_TAG_SCHEMA }, 'mc, s7: one per PLC address.'),
};
