// JSON Schema of an s7 channel's own keys (server.yml `channels:` with `type: s7`): rack,
// slot and the tag list. The keys it shares with other types (host, port, every, timeout,
// device) are declared once in channels.schema.ts; compile-s7.ts reads them all.
import { strictObject, type JsonSchema } from './common.js';

const d = (schema: JsonSchema, description: string, value?: unknown): JsonSchema =>
  value === undefined ? { ...schema, description } : { ...schema, default: value, description };

export const S7_TAG_SCHEMA: JsonSchema = strictObject(
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
    address: d({ type: 'string', minLength: 1, maxLength: 40 }, 'DB1.DBD8, M10.1, IW64, DB1.STRING10.20 …'),
    type: d({ type: 'string', minLength: 1 }, 'What the address holds: bool, byte, sint, int, word, dint, real …'),
    scale: d({ type: 'number' }, 'value = raw × scale + offset.', 1),
    offset: d({ type: 'number' }, 'value = raw × scale + offset.', 0),
    decimals: d({ type: 'integer', minimum: 0, maximum: 12 }, 'Round the result to this many decimals.'),
    unit: d({ type: 'string', maxLength: 32 }, 'Shown with the values.'),
    writable: d({ type: 'boolean' }, 'true: the API and UI may write it by name.', false),
    min: d({ type: 'number' }, 'Lowest value a write may set, in the unit.'),
    max: d({ type: 'number' }, 'Highest value a write may set, in the unit.'),
  },
  ['name', 'address'],
);

/** The s7 keys of CHANNEL_SCHEMA. */
export const S7_CHANNEL_PROPERTIES: Record<string, JsonSchema> = {
  rack: d({ type: 'integer', minimum: 0, maximum: 7 }, 's7: rack of the CPU.', 0),
  slot: d({ type: 'integer', minimum: 0, maximum: 31 }, 's7: slot of the CPU (300/400: 2, 1200/1500: 1).', 1),
  tags: d({ type: 'array', minItems: 1, items: S7_TAG_SCHEMA }, 's7: one per PLC address.'),
};
