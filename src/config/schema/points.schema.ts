// JSON Schema of points.yml. Combinations the schema would only express with noisy
// oneOf errors (task kinds, device rule kinds, ascii-or-hex) are checked in code instead.
import {
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
    strictObject({ type: { const: 'integer' }, bytes: { enum: [2, 4, 8] }, endian: { enum: ['big', 'little'] }, mode: MODE }),
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

const typed = strictObject({
  heartbeatType: BYTE,
  dataType: BYTE,
  modbusType: BYTE,
  acks: strictObject({ registration: BYTE_OR_NULL, heartbeat: BYTE_OR_NULL, data: BYTE_OR_NULL }),
});

const link = strictObject(
  {
    framing: { enum: ['transparent', 'typed', 'unsolicited'] },
    registration,
    heartbeat,
    unknownIds: { enum: ['accept', 'reject'] },
    duplicateIds: { enum: ['replace', 'reject'] },
    typed,
  },
  ['framing'],
);

const timing = strictObject({
  responseTimeout: DURATION,
  retries: { type: 'integer', minimum: 0, maximum: 10 },
  interRequestDelay: DURATION,
  quietAfterTimeout: DURATION,
  maxReadGap: { type: 'integer', minimum: 0, maximum: 124 },
  backoffAfterFailures: POSITIVE_INT,
  backoffInitial: DURATION,
  backoffMax: DURATION,
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
      enum: ['bool', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float32', 'float64', 'string', 'bcd', 'bcd16', 'bcd32'],
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

const profile = strictObject({
  description: { type: 'string' },
  heartbeat,
  timing,
  slaves: { type: 'array', minItems: 1, items: strictObject({ id: SLAVE_ID, name: { type: 'string' } }, ['id']) },
  pollOnConnect: { type: 'boolean' },
  tasks: { type: 'array', items: task },
  points: { type: 'array', items: point },
});

/** One of `{ id, profile, name? }`, `{ pattern, profile }`, `{ default }`; the kind is checked in code. */
const deviceRule = strictObject({
  id: { type: ['string', 'integer'], minLength: 1, maxLength: 128 },
  pattern: REGEX,
  default: NAME,
  profile: NAME,
  name: { type: 'string' },
});

export const POINTS_SCHEMA: JsonSchema = strictObject(
  {
    version: { const: 1 },
    links: { type: 'object', propertyNames: NAME, additionalProperties: link },
    profiles: { type: 'object', propertyNames: NAME, additionalProperties: profile },
    devices: { type: 'array', items: deviceRule },
  },
  ['version'],
);
