// Response shapes of the writes by point name (docs/API.md, "Writes by point name"). Like
// response-schemas.ts this imports nothing from the server: the UI's type check reads it.
import { Type } from '@sinclair/typebox';
import { bool, int, nullable, num, object, oneOf, str } from './response-schemas.js';

export const WRITABLE_POINT = object({
  name: str,
  unit: nullable('string'),
  type: str,
  scale: num,
  offset: num,
  min: nullable('number'),
  max: nullable('number'),
  notWritable: Type.Union([Type.Null(), oneOf(['read-only', 'register-bit', 'text', 'meter'] as const)]),
});

export const POINT_WRITE_RESULT = object({
  result: oneOf(['planned', 'ok'] as const),
  point: str,
  unit: nullable('string'),
  value: Type.Union([num, bool]),
  stored: num,
  slave: int,
  fn: int,
  address: int,
  registers: Type.Array(int),
  at: Type.Optional(int),
  readBack: Type.Optional(
    Type.Union([object({ value: nullable('number'), raw: str, at: int }), object({ error: str })]),
  ),
});
