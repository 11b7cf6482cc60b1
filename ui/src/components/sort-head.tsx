// Column headings that sort: a click sorts by the column, a second click reverses the order.
// The sort itself is the server's (the list is paged), so this only reports the choice.
import { t } from '../lib/i18n.js';

export type Order = 'asc' | 'desc';

export interface SortState {
  readonly sort: string;
  readonly order: Order;
}

/** `key` null: a column that does not sort. */
export interface SortColumn {
  readonly key: string | null;
  readonly label: string;
}

export function SortHead({
  cols,
  state,
  onSort,
}: {
  cols: readonly SortColumn[];
  state: SortState;
  onSort: (next: SortState) => void;
}) {
  return (
    <thead>
      <tr>
        {cols.map((c, i) => {
          const active = c.key !== null && c.key === state.sort;
          return (
            <th
              scope="col"
              key={i}
              aria-sort={active ? (state.order === 'asc' ? 'ascending' : 'descending') : undefined}
            >
              {c.key === null ? (
                c.label
              ) : (
                <button
                  type="button"
                  class="sort-button"
                  title={t('fleet.sortBy', { column: c.label })}
                  onClick={() => onSort({ sort: c.key!, order: active && state.order === 'asc' ? 'desc' : 'asc' })}
                >
                  {c.label}
                  <span aria-hidden="true">{active ? (state.order === 'asc' ? ' ▲' : ' ▼') : ''}</span>
                </button>
              )}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}
