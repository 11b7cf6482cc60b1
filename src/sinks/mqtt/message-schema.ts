// The JSON the MQTT sink publishes and the write-back messages it takes and answers, as
// TypeBox schemas: one declaration gives the TypeScript types, the JSON Schema documented
// in docs/SINKS.md and what the tests check every published message against.
import { Type, type Static, type TProperties } from '@sinclair/typebox';

const Device = Type.String({ minLength: 1, description: 'Registration ID of the device.' });
const Ts = Type.Integer({ description: 'Receive time, epoch milliseconds UTC.' });
const Time = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$',
  description: 'The same time as ISO 8601 UTC text with milliseconds.',
});
/** A number, the text of a string point, or null (no value). */
const Value = Type.Union([Type.Number(), Type.String(), Type.Null()]);
const Quality = Type.String({ description: '`good`, or what was wrong with the value.' });

/** `format: json`: every point of one device read at one moment (one poll of a read block). */
export const SAMPLE_MESSAGE = Type.Object(
  {
    device: Device,
    name: Type.Union([Type.String(), Type.Null()], { description: 'The device name, null when it has none.' }),
    profile: Type.Union([Type.String(), Type.Null()], { description: 'Its profile in points.yml.' }),
    ts: Ts,
    time: Time,
    points: Type.Record(Type.String(), Value, { description: 'Point name → value in engineering units.' }),
    units: Type.Optional(
      Type.Record(Type.String(), Type.String(), { description: 'Point name → unit (units: true).' }),
    ),
    quality: Type.Union([Type.Literal('good'), Type.Literal('partial')], {
      description: '`partial` when some point has no value or a quality other than good (see errors).',
    }),
    errors: Type.Optional(
      Type.Array(Type.Object({ point: Type.String(), quality: Quality }, { additionalProperties: false })),
    ),
    batch: Type.String({ description: 'The write batch the message came in: a replay repeats it (at least once).' }),
  },
  { additionalProperties: false },
);
export type SampleMessage = Static<typeof SAMPLE_MESSAGE>;

/** `format: point`: one value on `{prefix}/{device}/{point}`. */
export const POINT_MESSAGE = Type.Object(
  {
    value: Value,
    ts: Ts,
    time: Time,
    unit: Type.Optional(Type.String()),
    quality: Quality,
    batch: Type.String(),
  },
  { additionalProperties: false },
);
export type PointMessage = Static<typeof POINT_MESSAGE>;

/** A device's status, retained on `{prefix}/status/{device}`. */
export const STATUS_MESSAGE = Type.Object(
  {
    device: Device,
    status: Type.Union([Type.Literal('online'), Type.Literal('offline')]),
    ts: Ts,
    time: Time,
    name: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    profile: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  },
  { additionalProperties: false },
);
export type StatusMessage = Static<typeof STATUS_MESSAGE>;

const RequestId = Type.Union([Type.String({ maxLength: 128 }), Type.Number()], {
  description: 'Echoed in the response, to pair them.',
});

/** A write by point name, in engineering units. */
export const POINT_WRITE_REQUEST = Type.Object(
  {
    id: Type.Optional(RequestId),
    point: Type.String({ minLength: 1, maxLength: 128 }),
    value: Type.Union([Type.Number(), Type.Boolean()]),
  },
  { additionalProperties: false },
);

const Slave = Type.Integer({ minimum: 0, maximum: 247 });
const Address = Type.Integer({ minimum: 0, maximum: 65535 });

const Register = Type.Integer({ minimum: 0, maximum: 65535 });

const writeOf = <T extends TProperties>(properties: T) =>
  Type.Object(
    { id: Type.Optional(RequestId), slave: Slave, address: Address, ...properties },
    { additionalProperties: false },
  );

/** A coil or register write as the API takes it (allowed only where a rule says `registers: true`). */
export const REGISTER_WRITE_REQUEST = Type.Union([
  writeOf({ fn: Type.Literal(5), value: Type.Boolean() }),
  writeOf({ fn: Type.Literal(6), value: Register }),
  writeOf({ fn: Type.Literal(15), values: Type.Array(Type.Boolean(), { minItems: 1, maxItems: 1968 }) }),
  writeOf({ fn: Type.Literal(16), values: Type.Array(Register, { minItems: 1, maxItems: 123 }) }),
]);

/** A register or coil write without its id: what the writes service takes (its WriteCommand). */
export type RegisterWrite = WithoutId<Static<typeof REGISTER_WRITE_REQUEST>>;
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

export const WRITE_REQUEST = Type.Union([POINT_WRITE_REQUEST, REGISTER_WRITE_REQUEST]);
export type WriteRequest = Static<typeof WRITE_REQUEST>;

/** The answer on `{prefix}/write/response/{device}`. */
export const WRITE_RESPONSE = Type.Object(
  {
    id: Type.Union([RequestId, Type.Null()]),
    device: Device,
    ok: Type.Boolean(),
    point: Type.Optional(Type.String()),
    /** What was asked. */
    value: Type.Optional(Type.Union([Type.Number(), Type.Boolean()])),
    /** What the device held when read back right after the write (writes by point). */
    readBack: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
    /** `refused`, `not-online`, `timeout`, `exception 2`, `bad-request`, `busy`, … */
    result: Type.String(),
    error: Type.Optional(Type.String()),
    ts: Ts,
  },
  { additionalProperties: false },
);
export type WriteResponse = Static<typeof WRITE_RESPONSE>;
