// The dashboard's device list beside the live online list: every device the registry and
// the history know, offline ones by default, filtered by status, group and tag, sorted by
// last seen (longest silent first), name or status, with "offline since" and a duration that
// counts up every second.
// Read over the API in pages, not from the live feed: the feed pushes online devices only,
// and a fleet of 1,000 must not cost each viewer a fleet-wide frame per change. The
// dashboard asks for a reload when devices come or go (`changes`), at most every few seconds.
import { useEffect, useRef, useState } from 'preact/hooks';
import { get } from '../lib/api.js';
import { formatDuration } from '../lib/format.js';
import { getLang, t } from '../lib/i18n.js';
import { devicePath } from '../lib/router.js';
import type { DeviceList, DeviceSummary } from '../lib/types.js';
import { useInterval, useLoad } from '../lib/use-load.js';
import { ErrorNote, Section, StatusBadge, TableWrap, Time } from '../components/bits.js';
import { FleetCount, FleetFilters, NO_FILTER, Pager, type FleetFilterState } from '../components/fleet-filters.js';
import { SortHead, type SortState } from '../components/sort-head.js';

const PAGE = 20;
const START: FleetFilterState = { ...NO_FILTER, status: 'offline' };
/** Device comings and goings reload the list at most this often. */
const RELOAD_GAP_MS = 5000;

/** The current time, moving every `ms`: durations on screen count up without a request. */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useInterval(() => setNow(Date.now()), ms);
  return now;
}

export function DashboardDevices({ changes }: { changes: number }) {
  const [filter, setFilter] = useState<FleetFilterState>(START);
  const [sort, setSort] = useState<SortState>({ sort: 'lastSeen', order: 'asc' });
  const [offset, setOffset] = useState(0);
  const list = useLoad(
    () => get<DeviceList>('/api/devices', { ...filter, ...sort, offset, limit: PAGE }),
    [filter, sort, offset],
  );
  useReloadOnChange(changes, list.reload);
  useInterval(() => list.reload(), 60_000);
  const now = useNow();
  const data = list.data;

  return (
    <Section title={t('fleet.devices')} id="fleet-devices">
      <form class="filters" aria-label={t('fleet.devices')} onSubmit={(e) => e.preventDefault()}>
        <FleetFilters
          idPrefix="dash"
          value={filter}
          onChange={(next) => {
            setFilter(next);
            setOffset(0);
          }}
        />
      </form>
      <ErrorNote error={list.error} />
      {data && <FleetCount total={data.total} />}
      {data && data.items.length > 0 && (
        <>
          <TableWrap label={t('fleet.devices')}>
            <table data-testid="dashboard-devices">
              <SortHead
                cols={[
                  { key: 'id', label: t('fleet.device') },
                  { key: 'name', label: t('fleet.name') },
                  { key: 'status', label: t('fleet.status') },
                  { key: 'lastSeen', label: t('fleet.lastSeen') },
                  { key: null, label: t('fleet.since') },
                ]}
                state={sort}
                onSort={(next) => {
                  setSort(next);
                  setOffset(0);
                }}
              />
              <tbody>
                {data.items.map((d) => (
                  <DeviceRow key={d.registrationId} device={d} now={now} />
                ))}
              </tbody>
            </table>
          </TableWrap>
          <Pager label={t('fleet.devices')} offset={offset} limit={PAGE} total={data.total} onOffset={setOffset} />
        </>
      )}
    </Section>
  );
}

function DeviceRow({ device: d, now }: { device: DeviceSummary; now: number }) {
  const lang = getLang();
  const online = d.status === 'online';
  const since = online ? d.connectedAt : d.lastSeen;
  return (
    <tr class={online ? undefined : 'row-offline'}>
      <td>
        <a href={devicePath(d.registrationId)}>{d.registrationId}</a>
      </td>
      <td>{d.name ?? ''}</td>
      <td>
        <StatusBadge status={d.status} />
      </td>
      <td>
        <Time at={online ? (d.lastDataAt ?? d.lastHeartbeatAt ?? d.connectedAt) : d.lastSeen} />
      </td>
      <td data-testid="since">
        {since === null
          ? t('fleet.neverSeen')
          : t(online ? 'fleet.onlineFor' : 'fleet.offlineFor', {
              duration: formatDuration(Math.max(0, now - since), lang),
            })}
      </td>
    </tr>
  );
}

/** Calls `reload` after `changes` moves, but not more often than RELOAD_GAP_MS. */
function useReloadOnChange(changes: number, reload: () => void): void {
  const last = useRef(0);
  useEffect(() => {
    if (changes === 0) return;
    const wait = Math.max(0, last.current + RELOAD_GAP_MS - Date.now());
    const timer = window.setTimeout(() => {
      last.current = Date.now();
      reload();
    }, wait);
    return () => clearTimeout(timer);
  }, [changes]);
}
