// Schema of points.yml. Combinations the schema would only express with noisy oneOf
// errors (task kinds, device rule kinds, ascii-or-hex) are checked in code instead. Entries
// are declared with TypeBox (types and defaults in one place); registration rules are
// plain JSON Schema with their defaults; heartbeats and byte fields are still read field
// by field (x-lenient).
import { Type, type Static } from '@sinclair/typebox';
import {
  Address,
  Duration,
  Enum,
  Lenient,
  Name,
  PositiveInt,
  SlaveId,
  Strict,
  Section,
  WholeEntry,
  ASCII,
  BYTE,
  BYTE_OR_NULL,
  BYTES_OBJECT,
  DURATION,
  HEX,
  NAME,
  REGEX,
  strictObject,
  type JsonSchema,
} from './common.js';

const DATA_TYPES = [
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
] as const;

const MODE = {
  enum: ['once', 'every-packet'],
  default: 'once',
  description: 'Whether the ID is sent once after connecting or before every packet.',
};

/** A terminator or prefix: a plain string in the rule's own encoding, or `{ ascii | hex }`. */
const BYTES_FIELD: JsonSchema = {
  type: ['string', 'integer', 'object'],
  additionalProperties: false,
  properties: { ascii: ASCII, hex: HEX },
  'x-message': 'must be a string or { ascii: ... } / { hex: ... }',
  // Read by compile-bytes.ts, which reports "needs ascii or hex" itself.
  'x-lenient': true,
};

type Mode = 'once' | 'every-packet';

/** One registration rule as checked, its type's defaults filled in. */
export type RegistrationYaml =
  | {
      type: 'ascii';
      mode: Mode;
      maxLength: number;
      minLength: number;
      quietGap: string | number;
      length?: number;
      pattern?: string;
      terminator?: unknown;
    }
  | { type: 'hex'; mode: Mode; length: number; prefix?: unknown }
  | { type: 'integer'; mode: Mode; bytes: 2 | 4 | 8; endian: 'big' | 'little'; min?: number; max?: number }
  | { type: 'fixed'; mode: Mode; length: number; encoding: 'ascii' | 'hex' };

// Discriminated by `type`: ajv checks only the branch the type names, so the defaults of
// that branch are filled in like any other.
const registration: JsonSchema = {
  type: 'object',
  required: ['type'],
  properties: { type: { type: 'string' } },
  discriminator: { propertyName: 'type' },
  oneOf: [
    strictObject({
      type: { const: 'ascii' },
      // 128: the width of registration_id in the database (VARCHAR(128) in MySQL).
      maxLength: { type: 'integer', minimum: 1, maximum: 128, default: 40, description: 'Longest ID accepted.' },
      minLength: { type: 'integer', minimum: 1, maximum: 128, default: 1, description: 'Shortest ID accepted.' },
      // Longer than the gaps between the pieces of one registration on a cellular link.
      quietGap: { ...DURATION, default: '1s', description: 'Quiet line that ends an ID nothing else ends.' },
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
      bytes: { enum: [2, 4, 8], default: 4, description: 'Width of the ID.' },
      endian: { enum: ['big', 'little'], default: 'big', description: 'Byte order of the ID.' },
      min: { type: 'integer', minimum: 0, description: 'Smallest ID accepted.' },
      max: { type: 'integer', minimum: 0, description: 'Largest ID accepted.' },
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
  framing: Enum(['transparent', 'typed', 'unsolicited', 'mbap'] as const, {
    description: 'How bytes are framed after registration.',
  }),
  // The factory setting of most DTUs: printable ASCII up to 40 bytes, sent once.
  registration: Type.Unsafe<RegistrationYaml>({ ...registration, default: { type: 'ascii' } }),
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

// A rejected value in a task, point or device rule is dropped like any other; compile
// tells it from an absent one by asking whether the key was written, so an entry it
// changes the meaning of is left out. A default would hide that, hence WholeEntry on
// `function`.
const Task = Strict({
  name: Name({ description: 'Task name, unique in the profile.' }),
  slave: Type.Optional(SlaveId({ description: "Slave to read; default: the profile's first slave." })),
  function: WholeEntry(Enum([1, 2, 3, 4] as const, { default: 3, description: 'Modbus read function.' })),
  address: Type.Optional(Address({ description: 'First address of the range.' })),
  quantity: Type.Optional(PositiveInt({ description: 'Registers (or bits) in the range.' })),
  points: Type.Optional(
    Type.Unsafe<string[] | 'all'>({
      type: ['array', 'string'],
      items: NAME,
      minItems: 1,
      pattern: '^all$',
      'x-message': 'must be a list of point names or all',
      description: 'Points to read, or all; instead of a range.',
    }),
  ),
  every: Type.Optional(Duration({ description: 'Poll interval.' })),
  on: Type.Optional(Enum(['heartbeat', 'connect'] as const, { description: 'Poll on an event instead.' })),
});

// Store by exception. Off unless written (every sample a row, as the user's table asks);
// mode and deviation combinations are checked in compile-history.ts. 15 min: a flat signal
// still gets a row four times an hour, so a chart tells "unchanged" from "not polled".
const History = (description: string) =>
  Strict(
    {
      mode: Enum(['every', 'on-change', 'deadband', 'swinging-door'] as const, {
        description: 'Which samples are stored as raw rows.',
      }),
      deviation: Type.Optional(
        Type.Number({ minimum: 0, description: "deadband, swinging-door: the deviation, in the point's unit." }),
      ),
      deviationPercent: Type.Optional(
        Type.Number({ minimum: 0, maximum: 100, description: 'The deviation as a percent of span, instead.' }),
      ),
      span: Type.Optional(
        Type.Number({ exclusiveMinimum: 0, description: "The point's range (high − low) deviationPercent is of." }),
      ),
      maxInterval: Duration({ default: '15m', description: 'Store a sample at least this often.' }),
    },
    { description },
  );

const PointFields = Strict({
  name: Name({ description: 'Point name, unique in the profile.' }),
  description: Type.Optional(
    Type.Unsafe<string | { zh?: string; en?: string }>({
      type: ['string', 'object'],
      minLength: 1,
      properties: { zh: { type: 'string', minLength: 1 }, en: { type: 'string', minLength: 1 } },
      additionalProperties: false,
      'x-message': 'must be text or { zh: 中文, en: English }',
      description: 'What the point measures: text, or { zh, en } per UI language.',
    }),
  ),
  unit: Type.Optional(Type.String({ description: 'Unit shown with values.' })),
  slave: Type.Optional(SlaveId({ description: "Slave; default: the profile's first slave." })),
  function: WholeEntry(Enum([1, 2, 3, 4] as const, { default: 3, description: 'Modbus read function.' })),
  address: Type.Optional(Address({ description: 'Register or bit address.' })),
  type: Type.Optional(Enum(DATA_TYPES, { description: 'How the registers are decoded.' })),
  identifier: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'DL/T 645 meter points: the data identifier by name (energy.active.forward), instead of address.',
    }),
  ),
  order: Enum(['ABCD', 'CDAB', 'BADC', 'DCBA'] as const, { default: 'ABCD', description: 'Byte order.' }),
  bit: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 15, description: 'Bit of a register bool (0 = least significant).' }),
  ),
  size: Type.Optional(
    Type.Unsafe<string>({
      type: 'string',
      format: 'byte-size',
      'x-message': 'must be a size like "2 bytes" (or use registers: N)',
      description: 'Size in bytes, e.g. "2 bytes".',
    }),
  ),
  registers: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 125, description: 'Size in registers, instead of size.' }),
  ),
  scale: Type.Number({ default: 1, description: 'Multiplier applied to the raw value.' }),
  offset: Type.Number({ default: 0, description: 'Added after scaling.' }),
  decimals: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 15, description: 'Decimals kept; default: those of scale and offset.' }),
  ),
  // Write limits (issue 19): a write by point name outside them is refused before it is sent.
  min: Type.Optional(Type.Number({ description: 'Lowest value a write may set, in the unit (after scale/offset).' })),
  max: Type.Optional(Type.Number({ description: 'Highest value a write may set, in the unit (after scale/offset).' })),
  history: Type.Optional(History("Which samples become raw history rows; default: the profile's history.")),
});

// A Modbus point needs address and type; a DL/T 645 point names its identifier instead
// (compile-meter-point.ts checks the mix). The `if` error itself says nothing the
// `required` one does not (validate-schema.ts drops it).
const Point = Type.Unsafe<Static<typeof PointFields>>({
  ...PointFields,
  if: { properties: { identifier: true }, required: ['identifier'] },
  else: {
    properties: { address: true, type: true },
    required: ['address', 'type'],
    'x-message': 'is required (or identifier: for a DL/T 645 meter point)',
  },
});

const Slave = Strict({
  id: SlaveId({ description: 'Modbus slave address; for a meter, the number its points and tasks name it by.' }),
  name: Type.Optional(Type.String({ description: 'Display name; default: slave <id>.' })),
  protocol: Type.Optional(
    Enum(['modbus', 'dlt645-2007', 'dlt645-1997'] as const, {
      description: 'What the slave speaks: Modbus RTU (default) or a DL/T 645 meter edition.',
    }),
  ),
  meterAddress: Type.Optional(
    Type.Unsafe<string | number>({
      type: ['string', 'integer'],
      description: 'DL/T 645 meters: the 12-digit address as printed on the meter, or discover.',
    }),
  ),
});

const Profile = Strict({
  description: Type.String({ default: '', description: 'Free text.' }),
  heartbeat: Type.Optional(Lenient(heartbeat)),
  timing: Timing,
  // Slave 1: the usual address of a lone RTU device.
  slaves: Type.Array(Slave, { minItems: 1, default: [{ id: 1 }], description: 'Slaves behind the DTU.' }),
  pollOnConnect: Type.Boolean({ default: true, description: 'Run every interval task right after registration.' }),
  tasks: Type.Array(Task, { default: [], description: 'What to read and when.' }),
  points: Type.Array(Point, { default: [], description: 'Named values decoded from the reads.' }),
  history: Type.Optional(History('Which samples of its points become raw history rows; default: every one.')),
});

/** One of `{ id, profile, name? }`, `{ pattern, profile }`, `{ default }`; the kind is checked in code. */
const DeviceRule = Strict({
  id: Type.Optional(
    Type.Unsafe<string | number>({
      type: ['string', 'integer'],
      minLength: 1,
      maxLength: 128,
      description: 'Registration ID.',
    }),
  ),
  pattern: Type.Optional(Type.Unsafe<string>({ ...REGEX, description: 'Regular expression over the ID.' })),
  default: Type.Optional(Name({ description: 'Profile for IDs no other rule matches.' })),
  profile: Type.Optional(Name({ description: 'Profile of the matched devices.' })),
  name: Type.Optional(Type.String({ description: 'Display name of an exact ID.' })),
});

/** One `links:` entry as checked, defaults filled in. */
export type LinkYaml = Static<typeof Link>;
/** One `profiles:` entry as checked, defaults filled in. */
export type ProfileYaml = Static<typeof Profile>;
export type TimingYaml = Static<typeof Timing>;
export type TypedYaml = Static<typeof Typed>;
export type TaskYaml = Static<typeof Task>;
export type PointYaml = Static<typeof Point>;
export type HistoryYaml = Static<ReturnType<typeof History>>;
export type DeviceRuleYaml = Static<typeof DeviceRule>;
export const TIMING_SCHEMA = Timing;
export const TASK_SCHEMA = Task;
export const REGISTRATION_SCHEMA = registration;
export const POINT_SCHEMA = PointFields;
export const HISTORY_SCHEMA = History('Which samples become raw history rows.');
export const DEVICE_RULE_SCHEMA = DeviceRule;
export const SLAVES_SCHEMA = Profile.properties.slaves;

/** Named entries: a mapping whose keys are names (`links:`, `profiles:`). */
const NamedEntries = <T>(entry: JsonSchema) =>
  Type.Unsafe<Record<string, T>>({ type: 'object', propertyNames: NAME, additionalProperties: entry, default: {} });

export const POINTS_SCHEMA = Type.Object(
  {
    version: Type.Unsafe<1>({ const: 1 }),
    links: NamedEntries<LinkYaml>(Link),
    profiles: NamedEntries<ProfileYaml>(Profile),
    devices: Type.Array(DeviceRule, { default: [], description: 'Which profile each DTU gets, by ID.' }),
  },
  { additionalProperties: false },
);

/** points.yml as checked, defaults filled in. */
export type PointsYaml = Static<typeof POINTS_SCHEMA>;
