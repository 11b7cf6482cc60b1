// Every device the database or the gateway knows, with search, a status filter and paging.
// The filters live in the URL, so a filtered list can be bookmarked.
import { useEffect, useState } from 'preact/hooks';
import { get } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { devicePath, navigate, useLocation } from '../lib/router.js';
import type { DeviceList, Me } from '../lib/types.js';
import { useLoad } from '../lib/use-load.js';
import { ErrorNote, Head, StatusBadge, TableWrap, Time } from '../components/bits.js';
import { Via } from '../components/via.js';
import { alarmClass, useOpenAlarms } from '../lib/alarms.js';
import { RegistryTools } from './registry-tools.js';

const PAGE = 50;

export function DevicesPage({ me }: { me: Me }) {
  const { query } = useLocation();
  const search = query.get('search') ?? '';
  const status = query.get('status') ?? '';
  const offset = Number(query.get('offset') ?? 0) || 0;
  const [text, setText] = useState(search);
  const alarms = useOpenAlarms();
  const list = useLoad(
    () => get<DeviceList>('/api/devices', { search, status, offset, limit: PAGE }),
    [search, status, offset],
  );

  const go = (next: { search?: string; status?: string; offset?: number }) => {
    const params = new URLSearchParams();
    const s = next.search ?? search;
    const st = next.status ?? status;
    const o = next.offset ?? 0;
    if (s) params.set('search', s);
    if (st) params.set('status', st);
    if (o) params.set('offset', String(o));
    const qs = params.toString();
    navigate(`/devices${qs ? `?${qs}` : ''}`, true);
  };

  // Search as you type, once typing pauses.
  useEffect(() => {
    if (text === search) return;
    const timer = window.setTimeout(() => go({ search: text }), 300);
    return () => clearTimeout(timer);
  }, [text]);

  const data = list.data;
  return (
    <>
      <h1>{t('devices.title')}</h1>
      <RegistryTools me={me} onChange={() => list.reload()} />
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          go({ search: text });
        }}
      >
        <div class="field">
          <label for="device-search">{t('devices.search')}</label>
          <input id="device-search" type="search" value={text} onInput={(e) => setText(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="device-status">{t('devices.statusFilter')}</label>
          <select
            id="device-status"
            value={status}
            onChange={(e) => go({ status: e.currentTarget.value, search: text })}
          >
            <option value="">{t('devices.all')}</option>
            <option value="online">{t('status.online')}</option>
            <option value="offline">{t('status.offline')}</option>
          </select>
        </div>
        <button type="submit">{t('apply')}</button>
      </form>
      <ErrorNote error={list.error} />
      {data && (
        <>
          <p class="muted" aria-live="polite">
            {t('devices.count', { shown: data.items.length, total: data.total })} · <StatusBadge status="online" />{' '}
            {data.counts.online} · <StatusBadge status="offline" /> {data.counts.offline}
          </p>
          {data.items.length === 0 ? (
            <p class="muted">{t('devices.empty')}</p>
          ) : (
            <TableWrap label={t('devices.title')}>
              <table class="devices">
                <Head
                  cols={[
                    t('col.id'),
                    t('col.name'),
                    t('registry.group'),
                    t('col.status'),
                    t('col.profile'),
                    t('col.address'),
                    t('col.via'),
                    t('col.lastSeen'),
                  ]}
                />
                <tbody>
                  {data.items.map((d) => (
                    <tr key={d.registrationId} class={alarmClass(alarms, d.registrationId)}>
                      <td>
                        <a href={devicePath(d.registrationId)}>{d.registrationId}</a>
                      </td>
                      <td class="device-name">{d.name ?? ''}</td>
                      <td>{d.group ?? ''}</td>
                      <td>
                        <StatusBadge status={d.status} />
                        {!d.enabled && <span class="badge badge-warn"> {t('registry.disabled')}</span>}
                      </td>
                      <td>{d.profile}</td>
                      <td>{d.ip ? `${d.ip}:${d.port}` : '—'}</td>
                      <td>
                        <Via via={d.via} />
                      </td>
                      <td>
                        <Time
                          at={d.status === 'online' ? (d.lastDataAt ?? d.lastHeartbeatAt ?? d.connectedAt) : d.lastSeen}
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
          <nav class="pager" aria-label={t('devices.title')}>
            <button type="button" disabled={offset === 0} onClick={() => go({ offset: Math.max(0, offset - PAGE) })}>
              {t('devices.previous')}
            </button>
            <button type="button" disabled={offset + PAGE >= data.total} onClick={() => go({ offset: offset + PAGE })}>
              {t('devices.next')}
            </button>
          </nav>
        </>
      )}
    </>
  );
}
