// InfluxDB line protocol, pure: `measurement,tag=v,tag=v field=1.5,text="a b" 1700000000000`.
//
// Escaping differs per element (InfluxDB's line protocol reference):
//   measurement      comma and space
//   tag key/value    comma, equals sign and space
//   field key        comma, equals sign and space
//   string field     double quote and backslash, inside double quotes
// Newline, carriage return and tab would end or split a line: in names and tag values they
// are written as \n, \r, \t (as the official clients do). Keys and tag values cannot be empty:
// an empty tag is left out, an empty key is the caller's mistake (points always have names).
//
// Numbers: a float is written as JavaScript prints it (`21`, `0.1`, `1e+21`, all parsed as
// floats by InfluxDB); NaN and ±Infinity cannot be written and leave the field out. An
// integer field ends in `i` and must be a safe integer. Timestamps are whole milliseconds
// (the sink writes with precision=ms).

export type FieldValue =
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'integer'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'boolean'; readonly value: boolean };

const MEASUREMENT_SPECIAL = /[, \n\r\t\\]/;
const KEY_SPECIAL = /[,= \n\r\t\\]/;
const STRING_SPECIAL = /["\\]/;

function escapeWith(text: string, special: RegExp, equals: boolean): string {
  if (!special.test(text)) return text;
  let out = '';
  for (const ch of text) {
    if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === ',' || ch === ' ' || (equals && ch === '=')) out += `\\${ch}`;
    // A trailing backslash would escape the separator after it.
    else if (ch === '\\') out += '\\\\';
    else out += ch;
  }
  return out;
}

export function escapeMeasurement(name: string): string {
  return escapeWith(name, MEASUREMENT_SPECIAL, false);
}

/** Tag keys, tag values and field keys. */
export function escapeKey(text: string): string {
  return escapeWith(text, KEY_SPECIAL, true);
}

export function quoteString(text: string): string {
  return STRING_SPECIAL.test(text) ? `"${text.replace(/["\\]/g, '\\$&')}"` : `"${text}"`;
}

/** The value as line protocol writes it, or null when it cannot be written (NaN, ±Infinity, unsafe integer). */
export function formatField(field: FieldValue): string | null {
  switch (field.kind) {
    case 'float':
      return Number.isFinite(field.value) ? String(field.value) : null;
    case 'integer':
      return Number.isSafeInteger(field.value) ? `${field.value}i` : null;
    case 'string':
      return quoteString(field.value);
    case 'boolean':
      return field.value ? 'true' : 'false';
  }
}

/**
 * The escaped tag set, sorted by key (what InfluxDB recommends: it sorts otherwise), with its
 * leading comma; empty values left out. Computed once per device, not per line.
 */
export function tagSet(tags: Readonly<Record<string, string>>): string {
  return Object.keys(tags)
    .filter((key) => key !== '' && tags[key] !== '')
    .sort()
    .map((key) => `,${escapeKey(key)}=${escapeKey(tags[key]!)}`)
    .join('');
}

/**
 * One line, or null when no field can be written. `head` is the escaped measurement and tag
 * set (escapeMeasurement(m) + tagSet(tags)); `fields` pairs escaped keys with their values.
 */
export function encodeLine(
  head: string,
  fields: readonly (readonly [string, FieldValue])[],
  tsMs: number,
): string | null {
  let body = '';
  for (const [key, value] of fields) {
    const text = formatField(value);
    if (text === null) continue;
    body += `${body === '' ? '' : ','}${key}=${text}`;
  }
  return body === '' ? null : `${head} ${body} ${Math.round(tsMs)}`;
}
