// The fleet at a glance: online/offline counts, today's points and heartbeats, rates, the
// store's state, online devices (live), every device with offline ones first
// (dashboard-devices.tsx), recent connections and live device events (fleet channel).
import { useState } from 'preact/hooks';
import { get } from '../lib/api.js';
import { formatBytes, formatDuration, formatNumber, formatPercent } from '../lib/format.js';
import { getLang, t, tMaybe } from '../lib/i18n.js';
import { useLiveTopic } from '../lib/live.js';
import { devicePath } from '../lib/router.js';
import type { ConnectionRow, DeviceSummary, FleetDevice, LiveFrame, Status, TimeNext } from '../lib/types.js';
import { useInterval, useLoad } from '../lib/use-load.js';
import { ErrorNote, Head, Section, Stat, StatusBadge, TableWrap, Time } from '../components/bits.js';
import { Via } from '../components/via.js';
import { AlarmSummary } from '../components/alarm-summary.js';
import { alarmClass, useOpenAlarms } from '../lib/alarms.js';
import { DashboardDevices } from './dashboard-devices.js';

interface FleetEvent {
  key: string;
  deviceId: string;
  event: string;
  reason: string | null;
  at: number;
}

const MAX_EVENTS = 50;

export function DashboardPage() {
  const status = useLoad(() => get<Status>('/api/status'), []);
  const [liveStatus, setLiveStatus] = useState<Omit<Status, 'counters'> | null>(null);
  const [online, setOnline] = useState<Map<string, FleetDevice>>(new Map());
  const [events, setEvents] = useState<FleetEvent[]>([]);
  /** Bumped when a device comes or goes: the device list reloads. */
  const [deviceChanges, setDeviceChanges] = useState(0);
  const connections = useLoad(
    () => get<{ items: ConnectionRow[]; next: TimeNext }>('/api/connections', { limit: 10 }),
    [],
  );

  useLiveTopic('fleet', (frame: LiveFrame) => {
    if (frame.type === 'snapshot' && 'devices' in frame)
      setOnline(new Map(frame.devices.map((d) => [d.registrationId, d])));
    else if (frame.type === 'status') setLiveStatus(frame.status);
    else if (frame.type === 'device') {
      setEvents((list) =>
        [
          {
            key: `${frame.at}-${frame.deviceId}-${frame.event}-${list.length}`,
            deviceId: frame.deviceId,
            event: frame.event,
            reason: frame.reason,
            at: frame.at,
          },
          ...list,
        ].slice(0, MAX_EVENTS),
      );
      if (frame.event === 'online' || frame.event === 'offline') {
        // The snapshot lists online devices; refresh the counts and lists that changed.
        status.reload();
        connections.reload();
        setDeviceChanges((n) => n + 1);
        if (frame.event === 'offline')
          setOnline((m) => {
            const next = new Map(m);
            next.delete(frame.deviceId);
            return next;
          });
        else
          get<{ device: DeviceSummary }>(`/api/devices/${encodeURIComponent(frame.deviceId)}`).then(
            ({ device }) => setOnline((m) => new Map(m).set(device.registrationId, device)),
            () => undefined,
          );
      }
    }
  });
  useInterval(() => connections.reload(), 30_000);

  const s = liveStatus && status.data && liveStatus.uptimeMs > status.data.uptimeMs ? liveStatus : status.data;
  const lang = getLang();
  const storeState = String(s?.store.state ?? '');
  const alarms = useOpenAlarms();

  return (
    <>
      <h1>{t('dashboard.title')}</h1>
      <ErrorNote error={status.error} />
      <AlarmSummary />
      {s && (
        <dl class="stats" aria-label={t('dashboard.title')}>
          <Stat
            label={t('dashboard.online')}
            value={<span data-testid="online-count">{s.devices.online}</span>}
            sub={t('dashboard.known', { count: s.devices.known })}
            tone="good"
          />
          <Stat
            label={t('dashboard.offline')}
            value={<span data-testid="offline-count">{s.devices.offline}</span>}
            tone={s.devices.offline > 0 ? 'warn' : undefined}
          />
          <Stat label={t('dashboard.pointsToday')} value={formatNumber(s.today.points)} />
          <Stat label={t('dashboard.heartbeatsToday')} value={formatNumber(s.today.heartbeats)} />
          <Stat
            label={t('dashboard.transactions')}
            value={`${formatNumber(s.rates.transactionsPerSec, 1)} ${t('units.perSec')}`}
            sub={`${t('dashboard.pointsRate')}: ${formatNumber(s.rates.pointsPerSec, 1)} ${t('units.perSec')}`}
          />
          <Stat
            label={t('dashboard.store')}
            value={<span class={`store-${storeState}`}>{tMaybe('storeState', storeState)}</span>}
            sub={`${String(s.store.driver ?? '')} · ${t('dashboard.buffer')}: ${formatNumber(s.buffer.rows)}`}
            tone={storeState === 'ok' ? undefined : 'warn'}
          />
          <Stat
            label={t('dashboard.uptime')}
            value={formatDuration(s.uptimeMs, lang)}
            sub={t('dashboard.version', { version: s.version })}
          />
          <Stat
            label={t('dashboard.process')}
            value={`${t('dashboard.cpu')} ${formatPercent(s.process.cpuPercent)}`}
            sub={`${t('dashboard.memory')} ${formatBytes(s.process.rssBytes)}`}
          />
        </dl>
      )}
      {typeof s?.store.lastError === 'string' && s.store.lastError && <p class="note note-warn">{s.store.lastError}</p>}
      <div class="grid-2">
        <Section title={t('dashboard.onlineDevices')} id="online-devices">
          {online.size === 0 ? (
            <p class="muted">{t('dashboard.noOnline')}</p>
          ) : (
            <TableWrap label={t('dashboard.onlineDevices')}>
              <table>
                <Head cols={[t('col.id'), t('col.name'), t('col.address'), t('col.connectedAt')]} />
                <tbody>
                  {[...online.values()].slice(0, 20).map((d) => (
                    <tr key={d.registrationId} class={alarmClass(alarms, d.registrationId)}>
                      <td>
                        <a href={devicePath(d.registrationId)}>{d.registrationId}</a>
                      </td>
                      <td>{d.name ?? ''}</td>
                      {/* A channel's device comes without its peer's address in the live snapshot: name the channel. */}
                      <td>{d.via?.kind === 'channel' ? <Via via={d.via} /> : `${d.ip}:${d.port}`}</td>
                      <td>
                        <Time at={d.connectedAt} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        </Section>
        <Section
          title={t('dashboard.recentEvents')}
          id="events"
          actions={<a href="/events">{t('dashboard.allEvents')}</a>}
        >
          {events.length === 0 ? (
            <p class="muted">{t('dashboard.noEvents')}</p>
          ) : (
            <ul class="events" aria-live="polite">
              {events.map((e) => (
                <li key={e.key}>
                  <Time at={e.at} /> <a href={devicePath(e.deviceId)}>{e.deviceId}</a> <StatusBadge status={e.event} />{' '}
                  <span class="muted">{e.reason ?? ''}</span>
                </li>
              ))}
            </ul>
          )}
        </Section>
      </div>
      <DashboardDevices changes={deviceChanges} />
      <Section title={t('dashboard.recentConnections')} id="recent-connections">
        <ErrorNote error={connections.error} />
        <ConnectionTable rows={connections.data?.items ?? []} />
      </Section>
    </>
  );
}

export function ConnectionTable({ rows, showDevice = true }: { rows: ConnectionRow[]; showDevice?: boolean }) {
  if (rows.length === 0) return <p class="muted">{t('data.empty')}</p>;
  return (
    <TableWrap label={t('connections.title')}>
      <table>
        <Head
          cols={[
            t('col.time'),
            showDevice && t('col.device'),
            t('col.event'),
            t('col.address'),
            t('col.listener'),
            t('col.details'),
          ]}
        />
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td>
                <Time at={r.at} ms />
              </td>
              {showDevice && (
                <td>
                  {r.registrationId ? (
                    <a href={devicePath(r.registrationId)}>{r.registrationId}</a>
                  ) : (
                    <span class="muted">—</span>
                  )}
                </td>
              )}
              <td>
                <span class={`event event-${r.event}`}>{tMaybe('event', r.event)}</span>
              </td>
              <td>{`${r.ip}:${r.port}`}</td>
              <td>{r.listener}</td>
              <td>{r.details ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
