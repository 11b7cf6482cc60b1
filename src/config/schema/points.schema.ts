// Schema of points.yml. Combinations the schema would only express with noisy oneOf
// errors (task kinds, device rule kinds, ascii-or-hex) are checked in code instead. Links,
// profiles and their timing are declared with TypeBox (types and defaults in one place);
// registration rules, tasks and points are still plain JSON Schema read field by field.
import { Type, type Static } from '@sinclair/typebox';
import {
  Duration,
  Enum,
  Lenient,
  PositiveInt,
  Strict,
  Section,
  ADDRESS,
  ASCII,
  BYTE,
  BYTE_OR_NULL,
  BYTES_OBJECT,
  DURATION,
  HEX,
  NAME,
  POSITIVE_INT,
  READ_FUNCTION,
  REGEX,
  SLAVE_ID,
  strictObject,
  type JsonSchema,
} from './common.js';

const MODE = { enum: ['once', 'every-packet'] };

/** A terminator or prefix: a plain string in the rule's own encoding, or `{ ascii | hex }`. */
const BYTES_FIELD: JsonSchema = {
  type: ['string', 'integer', 'object'],
  additionalProperties: false,
  properties: { ascii: ASCII, hex: HEX },
  'x-message': 'must be a string or { ascii: ... } / { hex: ... }',
};

const registration: JsonSchema = {
  type: 'object',
  required: ['type'],
  properties: { type: { type: 'string' } },
  discriminator: { propertyName: 'type' },
  oneOf: [
    strictObject({
      type: { const: 'ascii' },
      // 128: the width of registration_id in the database (VARCHAR(128) in MySQL).
      maxLength: { type: 'integer', minimum: 1, maximum: 128 },
      length: { type: 'integer', minimum: 1, maximum: 128 },
      pattern: REGEX,
      terminator: BYTES_FIELD,
      mode: MODE,
    }),
    strictObject(
      {
        type: { const: 'hex' },
        length: { type: 'integer', minimum: 1, maximum: 64 },
        prefix: BYTES_FIELD,
        mode: MODE,
      },
      ['length'],
    ),
    strictObject({
      type: { const: 'integer' },
      bytes: { enum: [2, 4, 8] },
      endian: { enum: ['big', 'little'] },
      mode: MODE,
    }),
    strictObject(
      {
        type: { const: 'fixed' },
        length: { type: 'integer', minimum: 1, maximum: 64 },
        encoding: { enum: ['ascii', 'hex'] },
        mode: MODE,
      },
      ['length', 'encoding'],
    ),
  ],
};

const heartbeat: JsonSchema = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: { ascii: ASCII, hex: HEX, reply: BYTES_OBJECT },
};

const Ack = (value: number, description: string) =>
  Type.Unsafe<number | null>({ ...BYTE_OR_NULL, default: value, description: `${description}; null: none.` });

const Typed = Section({
  heartbeatType: Type.Integer({ ...BYTE, default: 0x02, description: 'Type byte of a heartbeat message.' }),
  dataType: Type.Integer({ ...BYTE, default: 0x03, description: 'Type byte of a data message.' }),
  modbusType: Type.Integer({ ...BYTE, default: 0x04, description: 'Type byte of a message carrying Modbus RTU.' }),
  acks: Section({
    registration: Ack(0x01, 'Acknowledgement byte for a registration'),
    heartbeat: Ack(0x02, 'Acknowledgement byte for a heartbeat'),
    data: Ack(0x03, 'Acknowledgement byte for data'),
  }),
});

const Link = Strict({
  framing: Enum(['transparent', 'typed', 'unsolicited'] as const, {
    description: 'How bytes are framed after registration.',
  }),
  // Absent: printable ASCII up to 40 bytes, sent once (compile-link.ts).
  registration: Type.Optional(Lenient(registration)),
  heartbeat: Type.Optional(Lenient(heartbeat)),
  unknownIds: Enum(['accept', 'reject'] as const, {
    default: 'accept',
    description: 'Whether IDs no device rule names may connect.',
  }),
  duplicateIds: Enum(['replace', 'reject'] as const, {
    default: 'replace',
    description: 'What a second connection with an online ID does.',
  }),
  // Filled in on every link; compile-link.ts reports a `typed:` written on another framing.
  typed: Typed,
});

// A 1 s timeout is the classic DTU mistake: cellular round trips alone can take seconds.
const Timing = Section({
  responseTimeout: Duration({ default: '3s', description: 'Wait for a response.' }),
  retries: Type.Integer({ minimum: 0, maximum: 10, default: 1, description: 'Retries after a timeout or bad frame.' }),
  interRequestDelay: Duration({ default: '50ms', description: 'Pause between a transaction and the next request.' }),
  quietAfterTimeout: Duration({ default: '200ms', description: 'Quiet line required after a timeout.' }),
  maxReadGap: Type.Integer({
    minimum: 0,
    maximum: 124,
    default: 10,
    description: 'Unused registers a merged read may span.',
  }),
  backoffAfterFailures: PositiveInt({ default: 3, description: 'Consecutive failures before a slave is backed off.' }),
  backoffInitial: Duration({ default: '5s', description: 'First backoff delay, doubling.' }),
  backoffMax: Duration({ default: '5m', description: 'Longest backoff delay.' }),
});

const task = strictObject(
  {
    name: NAME,
    slave: SLAVE_ID,
    function: READ_FUNCTION,
    address: ADDRESS,
    quantity: POSITIVE_INT,
    points: {
      type: ['array', 'string'],
      items: NAME,
      minItems: 1,
      pattern: '^all$',
      'x-message': 'must be a list of point names or all',
    },
    every: DURATION,
    on: { enum: ['heartbeat', 'connect'] },
  },
  ['name'],
);

const point = strictObject(
  {
    name: NAME,
    description: { type: 'string' },
    unit: { type: 'string' },
    slave: SLAVE_ID,
    function: READ_FUNCTION,
    address: ADDRESS,
    type: {
      enum: [
        'bool',
        'int16',
        'uint16',
        'int32',
        'uint32',
        'int64',
        'uint64',
        'float32',
        'float64',
        'string',
        'bcd',
        'bcd16',
        'bcd32',
      ],
    },
    order: { enum: ['ABCD', 'CDAB', 'BADC', 'DCBA'] },
    bit: { type: 'integer', minimum: 0, maximum: 15 },
    size: { type: 'string', format: 'byte-size', 'x-message': 'must be a size like "2 bytes" (or use registers: N)' },
    registers: { type: 'integer', minimum: 1, maximum: 125 },
    scale: { type: 'number' },
    offset: { type: 'number' },
    decimals: { type: 'integer', minimum: 0, maximum: 15 },
  },
  ['name', 'address', 'type'],
);

const Profile = Strict({
  description: Type.String({ default: '', description: 'Free text.' }),
  heartbeat: Type.Optional(Lenient(heartbeat)),
  timing: Timing,
  // Absent or all rejected: slave 1 (compile-profile.ts).
  slaves: Type.Optional(
    Lenient<unknown[]>({
      type: 'array',
      minItems: 1,
      items: strictObject({ id: SLAVE_ID, name: { type: 'string' } }, ['id']),
    }),
  ),
  pollOnConnect: Type.Boolean({ default: true, description: 'Run every interval task right after registration.' }),
  tasks: Lenient<unknown[]>({ type: 'array', items: task, default: [] }),
  points: Lenient<unknown[]>({ type: 'array', items: point, default: [] }),
});

/** One of `{ id, profile, name? }`, `{ pattern, profile }`, `{ default }`; the kind is checked in code. */
const deviceRule = strictObject({
  id: { type: ['string', 'integer'], minLength: 1, maxLength: 128 },
  pattern: REGEX,
  default: NAME,
  profile: NAME,
  name: { type: 'string' },
});

/** One `links:` entry as checked, defaults filled in. */
export type LinkYaml = Static<typeof Link>;
/** One `profiles:` entry as checked, defaults filled in. */
export type ProfileYaml = Static<typeof Profile>;
export type TimingYaml = Static<typeof Timing>;
export type TypedYaml = Static<typeof Typed>;
export const TIMING_SCHEMA = Timing;

/** Named entries: a mapping whose keys are names (`links:`, `profiles:`). */
const NamedEntries = <T>(entry: JsonSchema) =>
  Type.Unsafe<Record<string, T>>({ type: 'object', propertyNames: NAME, additionalProperties: entry, default: {} });

export const POINTS_SCHEMA = Type.Object(
  {
    version: Type.Unsafe<1>({ const: 1 }),
    links: NamedEntries<LinkYaml>(Link),
    profiles: NamedEntries<ProfileYaml>(Profile),
    devices: Lenient<unknown[]>({ type: 'array', items: deviceRule, default: [] }),
  },
  { additionalProperties: false },
);

/** points.yml as checked, defaults filled in. */
export type PointsYaml = Static<typeof POINTS_SCHEMA>;
