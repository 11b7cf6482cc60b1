// A device list file (CSV or XLSX, docs/API.md "Device registry") → registry entries, or
// every bad row with its line and why. Pure: the web layer reads the file into lines of
// cells; nothing is applied unless every row passes.
import { EMPTY_REGISTRY_FIELDS, type RegistryEntry, type RegistryFields } from '../domain/registry.js';

/** The file's columns, in export order; the header names them as the API does. */
export const REGISTRY_COLUMNS = [
  'registrationId',
  'name',
  'description',
  'location',
  'latitude',
  'longitude',
  'tags',
  'group',
  'profileOverride',
  'enabled',
  'notes',
] as const;

export type RegistryColumn = (typeof REGISTRY_COLUMNS)[number];

export interface FileLine {
  /** 1-based line (CSV: where the record starts) or row (XLSX). */
  readonly line: number;
  readonly cells: readonly string[];
}

export interface RowError {
  readonly line: number;
  readonly reason: string;
}

export type ParsedRows = { readonly entries: RegistryEntry[] } | { readonly errors: RowError[] };

const MAX_TEXT = { name: 255, location: 255, group: 128, profileOverride: 128, description: 4000, notes: 4000 };
const TRUE = new Set(['true', 'yes', '1', 'y', 'on']);
const FALSE = new Set(['false', 'no', '0', 'n', 'off']);
// Registration IDs are untrusted text (docs/CONFIG.md): bounded, no control characters.
const hasControl = (id: string) => [...id].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

/**
 * The header must name `registrationId`; other columns are optional and a missing one keeps
 * what the registry has (or the default for a new device). An empty cell clears the field.
 */
export function parseRegistryRows(
  lines: readonly FileLine[],
  context: {
    readonly profiles: ReadonlySet<string>;
    readonly existing: (registrationId: string) => RegistryEntry | undefined;
    readonly at: number;
  },
): ParsedRows {
  const [header, ...rows] = lines;
  if (!header) return { errors: [{ line: 1, reason: 'the file is empty' }] };
  const columns = header.cells.map((c) => c.trim());
  const unknown = columns.filter((c) => c !== '' && !(REGISTRY_COLUMNS as readonly string[]).includes(c));
  const errors: RowError[] = [];
  if (unknown.length > 0)
    errors.push({
      line: header.line,
      reason: `unknown column ${unknown.join(', ')} (known: ${REGISTRY_COLUMNS.join(', ')})`,
    });
  if (!columns.includes('registrationId')) errors.push({ line: header.line, reason: 'no registrationId column' });
  if (errors.length > 0) return { errors };

  const seen = new Map<string, number>();
  const entries: RegistryEntry[] = [];
  for (const row of rows) {
    if (row.cells.every((c) => c.trim() === '')) continue;
    const cells = new Map<RegistryColumn, string>();
    columns.forEach((c, i) => cells.set(c as RegistryColumn, unquote(row.cells[i] ?? '').trim()));
    const reasons: string[] = [];
    const id = cells.get('registrationId') ?? '';
    if (id === '') reasons.push('registrationId is empty');
    else if (id.length > 128) reasons.push('registrationId is longer than 128 characters');
    else if (hasControl(id)) reasons.push('registrationId has control characters');
    else if (seen.has(id)) reasons.push(`registrationId ${id} is also on line ${seen.get(id)}`);
    else seen.set(id, row.line);
    const fields = rowFields(cells, context.profiles, reasons);
    if (reasons.length > 0) {
      errors.push({ line: row.line, reason: reasons.join('; ') });
      continue;
    }
    const base = context.existing(id) ?? { ...EMPTY_REGISTRY_FIELDS, registrationId: id, updatedAt: null };
    entries.push({ ...base, ...fields, registrationId: id, updatedAt: context.at });
  }
  return errors.length > 0 ? { errors } : { entries };
}

/** The fields the row's columns set, checked; a problem goes to `reasons`. */
function rowFields(
  cells: ReadonlyMap<RegistryColumn, string>,
  profiles: ReadonlySet<string>,
  reasons: string[],
): Partial<RegistryFields> {
  const out: { -readonly [K in keyof RegistryFields]?: RegistryFields[K] } = {};
  for (const key of ['name', 'description', 'location', 'group', 'profileOverride', 'notes'] as const) {
    const value = cells.get(key);
    if (value === undefined) continue;
    if (value.length > MAX_TEXT[key]) reasons.push(`${key} is longer than ${MAX_TEXT[key]} characters`);
    out[key] = value === '' ? null : value;
  }
  if (out.profileOverride && !profiles.has(out.profileOverride))
    reasons.push(`profileOverride ${out.profileOverride} is not a profile in points.yml`);
  for (const [key, limit] of [
    ['latitude', 90],
    ['longitude', 180],
  ] as const) {
    const value = cells.get(key);
    if (value === undefined) continue;
    const n = value === '' ? null : Number(value);
    if (n !== null && (!Number.isFinite(n) || Math.abs(n) > limit))
      reasons.push(`${key} ${value} is not a number from -${limit} to ${limit}`);
    else out[key] = n;
  }
  if ((out.latitude === null) !== (out.longitude === null) && out.latitude !== undefined && out.longitude !== undefined)
    reasons.push('latitude and longitude go together: give both or neither');
  const tags = cells.get('tags');
  if (tags !== undefined) out.tags = splitTags(tags);
  const enabled = cells.get('enabled');
  if (enabled !== undefined) {
    const v = enabled.toLowerCase();
    if (v === '' || TRUE.has(v)) out.enabled = true;
    else if (FALSE.has(v)) out.enabled = false;
    else reasons.push(`enabled ${enabled} is not true or false`);
  }
  return out;
}

/** Tags are separated by commas or semicolons; empty ones and repeats are dropped. */
export function splitTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[,;]/)
        .map((t) => t.trim())
        .filter((t) => t !== ''),
    ),
  ];
}

/** Our exports put an apostrophe before text a spreadsheet would run as a formula; take it off. */
function unquote(cell: string): string {
  return /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}
