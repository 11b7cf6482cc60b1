// Small shared pieces: status badges, time cells, error notes, stat cards.
import type { ComponentChildren } from 'preact';
import { ApiError } from '../lib/api.js';
import { formatTime, isoTime } from '../lib/format.js';
import { t, tMaybe } from '../lib/i18n.js';

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge badge-${status}`}>{tMaybe('status', status)}</span>;
}

/** A time in the browser's time zone; the UTC ISO form in the tooltip and datetime. */
export function Time({ at, ms = false }: { at: number | null | undefined; ms?: boolean }) {
  if (at === null || at === undefined) return <span class="muted">—</span>;
  return (
    <time dateTime={isoTime(at)} title={isoTime(at)}>
      {formatTime(at, ms)}
    </time>
  );
}

export function ErrorNote({ error }: { error: Error | null }) {
  if (!error) return null;
  const message = error instanceof ApiError ? `${error.message} (${error.code})` : error.message;
  return (
    <p class="note note-error" role="alert">
      {t('error', { message })}
    </p>
  );
}

export function Stat({
  label,
  value,
  sub,
  tone,
}: {
  label: string;
  value: ComponentChildren;
  sub?: ComponentChildren;
  tone?: string;
}) {
  return (
    <div class={`stat${tone ? ` stat-${tone}` : ''}`}>
      <dt>{label}</dt>
      <dd>
        <span class="stat-value">{value}</span>
        {sub !== undefined && <span class="stat-sub">{sub}</span>}
      </dd>
    </div>
  );
}

export function Section({
  title,
  id,
  actions,
  children,
}: {
  title: string;
  id?: string;
  actions?: ComponentChildren;
  children: ComponentChildren;
}) {
  const headingId = id ? `${id}-heading` : undefined;
  return (
    <section class="card" id={id} aria-labelledby={headingId}>
      <header class="card-head">
        <h2 id={headingId}>{title}</h2>
        {actions && <div class="card-actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}

/** A scrollable table wrapper, so wide tables never break a phone layout. */
export function TableWrap({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

/** A table's column headings; `false` leaves a conditional column out. */
export function Head({ cols }: { cols: (string | false)[] }) {
  return (
    <thead>
      <tr>
        {cols.map(
          (label, i) =>
            label !== false && (
              <th scope="col" key={i}>
                {label}
              </th>
            ),
        )}
      </tr>
    </thead>
  );
}

/** The Refresh button most cards carry. */
export function RefreshButton({ onClick }: { onClick: () => void }) {
  return (
    <button type="button" onClick={onClick}>
      {t('refresh')}
    </button>
  );
}

/**
 * A list as a table inside its scroll wrapper, or `emptyText` instead once the list has
 * loaded and is empty (`empty`), so a page never shows a bare header row.
 */
export function ListTable({
  label,
  cols,
  empty,
  emptyText,
  className,
  children,
}: {
  label: string;
  cols: (string | false)[];
  empty: boolean;
  emptyText: string;
  className?: string;
  children: ComponentChildren;
}) {
  if (empty) return <p class="muted">{emptyText}</p>;
  return (
    <TableWrap label={label}>
      <table class={className}>
        <Head cols={cols} />
        <tbody>{children}</tbody>
      </table>
    </TableWrap>
  );
}
