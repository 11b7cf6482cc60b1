// The config editor's form pieces: a table whose rows are YAML entries (tasks, points,
// webhook endpoints, rules) with one input per field, and a field/value list for a single
// entry. Each input is named by its YAML path (`profiles.x.points[3].scale`), the same name
// the server's file:line:field problems use, so a problem is shown under its field.
import { t } from '../lib/i18n.js';
import type { ConfigIssue } from '../lib/types.js';
import { TableWrap } from './bits.js';

export type YamlPath = readonly (string | number)[];
export type Entry = Record<string, unknown>;

/** `['profiles', 'th-station', 'points', 3, 'scale']` → `profiles.th-station.points[3].scale` (as the server writes it). */
export function fieldName(path: YamlPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[\p{L}\p{N}_-]+$/u.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** How a value shows in an input: nested values as JSON, which is also YAML. */
export function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** An input's text as the value to write: numbers, booleans and JSON as such, the rest as text. */
export function parseCell(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (trimmed === 'true' || trimmed === 'false') return trimmed === 'true';
  if (/^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(trimmed)) return Number(trimmed);
  if (/^[[{]/.test(trimmed)) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

function withField(entry: Entry, key: string, text: string): Entry {
  const value = parseCell(text);
  const next = { ...entry };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next;
}

/** Problems reported at this field or inside it (a nested value edited as JSON). */
function issuesAt(issues: readonly ConfigIssue[], field: string): ConfigIssue[] {
  return issues.filter((i) => i.field === field || i.field.startsWith(field + '.') || i.field.startsWith(field + '['));
}

function Cell(props: {
  path: YamlPath;
  label: string;
  value: unknown;
  issues: readonly ConfigIssue[];
  onInput: (text: string) => void;
}) {
  const field = fieldName(props.path);
  const problems = issuesAt(props.issues, field);
  const id = `f-${field}`;
  return (
    <>
      <input
        id={id}
        data-field={field}
        aria-label={props.label}
        aria-invalid={problems.length > 0 ? 'true' : undefined}
        aria-describedby={problems.length > 0 ? `${id}-problem` : undefined}
        value={cellText(props.value)}
        onChange={(e) => props.onInput(e.currentTarget.value)}
      />
      {problems.length > 0 && (
        <span class="field-problem" id={`${id}-problem`} role="note">
          {problems.map((p) => `${p.line !== null ? `line ${p.line}: ` : ''}${p.message}`).join('; ')}
        </span>
      )}
    </>
  );
}

/** Entries as rows, their fields as columns (in order of first appearance). */
export function EntryTable(props: {
  label: string;
  path: YamlPath;
  rows: readonly Entry[];
  rowName: (row: Entry, index: number) => string;
  issues: readonly ConfigIssue[];
  onChange: (rows: Entry[]) => void;
  /** A fixed key per row (map entries): the row path uses it instead of the index. */
  rowKeys?: readonly string[];
  extraColumns?: string[];
  action?: (row: Entry, index: number) => preact.ComponentChildren;
  canAdd?: boolean;
}) {
  const columns = [...new Set([...props.rows.flatMap((r) => Object.keys(r)), ...(props.extraColumns ?? [])])];
  const set = (index: number, next: Entry) => props.onChange(props.rows.map((r, i) => (i === index ? next : r)));
  return (
    <>
      <TableWrap label={props.label}>
        <table class="config-table">
          <thead>
            <tr>
              {props.rowKeys && <th scope="col">{t('config.field')}</th>}
              {columns.map((c) => (
                <th scope="col" key={c}>
                  {c}
                </th>
              ))}
              <th scope="col">
                <span class="sr-only">{t('col.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((row, i) => {
              const name = props.rowName(row, i);
              const rowPath = [...props.path, props.rowKeys ? props.rowKeys[i]! : i];
              return (
                <tr key={props.rowKeys?.[i] ?? i} data-row={name}>
                  {props.rowKeys && <th scope="row">{props.rowKeys[i]}</th>}
                  {columns.map((c) => (
                    <td key={c}>
                      <Cell
                        path={[...rowPath, c]}
                        label={t('config.cellLabel', { row: name, column: c })}
                        value={row[c]}
                        issues={props.issues}
                        onInput={(text) => set(i, withField(row, c, text))}
                      />
                    </td>
                  ))}
                  <td class="row-actions">
                    {props.action?.(row, i)}
                    {!props.rowKeys && (
                      <button
                        type="button"
                        class="danger"
                        onClick={() => props.onChange(props.rows.filter((_, j) => j !== i))}
                      >
                        {t('config.removeRow')}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableWrap>
      {props.canAdd !== false && !props.rowKeys && (
        <button type="button" onClick={() => props.onChange([...props.rows, {}])}>
          {t('config.addRow')}
        </button>
      )}
    </>
  );
}

/** One entry's plain fields (not its lists) as field/value rows. */
export function FieldList(props: {
  label: string;
  path: YamlPath;
  entry: Entry;
  skip: readonly string[];
  issues: readonly ConfigIssue[];
  onChange: (entry: Entry) => void;
}) {
  const keys = Object.keys(props.entry).filter((k) => !props.skip.includes(k));
  return (
    <TableWrap label={props.label}>
      <table class="config-table">
        <thead>
          <tr>
            <th scope="col">{t('config.field')}</th>
            <th scope="col">{t('config.value')}</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k}>
              <th scope="row">{k}</th>
              <td>
                <Cell
                  path={[...props.path, k]}
                  label={`${props.label} ${k}`}
                  value={props.entry[k]}
                  issues={props.issues}
                  onInput={(text) => props.onChange(withField(props.entry, k, text))}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
