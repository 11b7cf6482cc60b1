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
  /** Modbus points: the write's slave, function and address; absent for a PLC tag. */
  slave: Type.Optional(int),
  fn: Type.Optional(int),
  address: Type.Optional(int),
  registers: Type.Array(int),
  /** PLC tags (MC, S7): the address, its type and the value in that type. */
  plc: Type.Optional(object({ address: str, type: str, value: Type.Union([num, bool]) })),
  at: Type.Optional(int),
  readBack: Type.Optional(
    Type.Union([object({ value: nullable('number'), raw: str, at: int }), object({ error: str })]),
  ),
});
