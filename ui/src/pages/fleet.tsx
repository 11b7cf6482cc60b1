// The fleet table: pick a profile, and see the latest value of each of its points for every
// device of it, one row per device, from the server's in-memory cache (no history query),
// filtered by status, group and tag, sorted by any column, a page of 100 at a time (the
// server pages, so 1,000 devices never sit in the browser), refreshed every 10 s; and the
// whole table as CSV or Excel in the browser's time zone.
import { useState } from 'preact/hooks';
import { apiUrl, get } from '../lib/api.js';
import { formatNumber, timeZone } from '../lib/format.js';
import { t } from '../lib/i18n.js';
import { devicePath } from '../lib/router.js';
import type { FleetTableView } from '../lib/types.js';
import { useInterval, useLoad } from '../lib/use-load.js';
import { ErrorNote, StatusBadge, TableWrap, Time } from '../components/bits.js';
import { FleetCount, FleetFilters, NO_FILTER, Pager, type FleetFilterState } from '../components/fleet-filters.js';
import { SortHead, type SortState } from '../components/sort-head.js';

const PAGE = 100;

export function FleetPage() {
  const [profile, setProfile] = useState('');
  const [filter, setFilter] = useState<FleetFilterState>(NO_FILTER);
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<SortState>({ sort: 'id', order: 'asc' });
  const [offset, setOffset] = useState(0);
  const query = { profile, ...filter, search, ...sort };
  const table = useLoad(
    () => get<FleetTableView>('/api/fleet/latest', { ...query, offset, limit: PAGE }),
    [profile, filter, search, sort, offset],
  );
  useInterval(() => table.reload(), 10_000);
  const data = table.data;
  const zone = timeZone();
  const exportHref = (format: 'csv' | 'xlsx') =>
    apiUrl('/api/fleet/export', { format, ...query, profile: data?.profile ?? profile, tz: zone });
  const restart =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setOffset(0);
    };

  return (
    <>
      <h1>{t('fleet.title')}</h1>
      <form class="filters" aria-label={t('fleet.title')} onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="fleet-profile">{t('fleet.profile')}</label>
          <select
            id="fleet-profile"
            value={data?.profile ?? profile}
            onChange={(e) => restart(setProfile)(e.currentTarget.value)}
          >
            {(data?.profiles ?? []).map((p) => (
              <option value={p} key={p}>
                {p}
              </option>
            ))}
          </select>
        </div>
        <FleetFilters idPrefix="fleet" value={filter} onChange={restart(setFilter)} />
        <div class="field">
          <label for="fleet-search">{t('fleet.search')}</label>
          <input
            id="fleet-search"
            type="search"
            value={search}
            onInput={(e) => restart(setSearch)(e.currentTarget.value)}
          />
        </div>
      </form>
      <div class="export-bar">
        <a class="button" href={exportHref('csv')} download data-testid="fleet-export-csv">
          {t('fleet.exportCsv')}
        </a>
        <a class="button" href={exportHref('xlsx')} download data-testid="fleet-export-xlsx">
          {t('fleet.exportXlsx')}
        </a>
        <span class="muted small">{t('fleet.hint', { zone })}</span>
      </div>
      <ErrorNote error={table.error} />
      {data && <FleetCount total={data.total} />}
      {data && data.rows.length > 0 && (
        <>
          <TableWrap label={t('fleet.title')}>
            <table class="fleet-table" data-testid="fleet-table">
              <SortHead
                cols={[
                  { key: 'id', label: t('fleet.device') },
                  { key: 'name', label: t('fleet.name') },
                  { key: 'status', label: t('fleet.status') },
                  { key: 'lastSeen', label: t('fleet.lastSeen') },
                  ...data.columns.map((c) => ({
                    key: `point:${c.name}`,
                    label: c.unit ? `${c.name} (${c.unit})` : c.name,
                  })),
                ]}
                state={sort}
                onSort={restart(setSort)}
              />
              <tbody>
                {data.rows.map((r) => (
                  <tr key={r.registrationId} data-device={r.registrationId}>
                    <td>
                      <a href={devicePath(r.registrationId)}>{r.registrationId}</a>
                    </td>
                    <td>{r.name ?? ''}</td>
                    <td>
                      <StatusBadge status={r.status} />
                    </td>
                    <td>{r.status === 'online' ? <Time at={r.updatedAt} /> : <Time at={r.lastSeen} />}</td>
                    {r.values.map((v, i) => (
                      <td class="value" key={i} data-point={data.columns[i]!.name}>
                        {v === null ? <span class="muted">—</span> : typeof v === 'number' ? formatNumber(v) : v}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          <Pager label={t('fleet.title')} offset={offset} limit={PAGE} total={data.total} onOffset={setOffset} />
        </>
      )}
    </>
  );
}
