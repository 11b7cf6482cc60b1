// The fleet table's response (GET /api/fleet/latest), declared once like response-schemas.ts:
// the JSON Schema fastify serialises with and, through Static<>, the type the UI reads.
import { Type } from '@sinclair/typebox';
import { int, nullable, object, oneOf, str } from './response-schemas.js';

/** A cell: a number, the text of a string point, or null (no value held). */
const CELL = Type.Unsafe<number | string | null>({ type: ['number', 'string', 'null'] });

export const FLEET_TABLE = object({
  profile: str,
  /** The profile's points, in its order: the value columns. */
  columns: Type.Array(object({ name: str, unit: nullable('string') })),
  total: int,
  offset: int,
  limit: int,
  /** Every profile, for the choice of table. */
  profiles: Type.Array(str),
  rows: Type.Array(
    object({
      registrationId: str,
      name: nullable('string'),
      group: nullable('string'),
      tags: Type.Array(str),
      status: oneOf(['online', 'offline'] as const),
      lastSeen: nullable('integer'),
      updatedAt: nullable('integer'),
      values: Type.Array(CELL),
    }),
  ),
});
