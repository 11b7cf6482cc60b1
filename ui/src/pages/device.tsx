// One device: its state, live values (device:<id> channel), charts, slave health, connection
// history, raw packets and — for operators — the write form.
import { useState } from 'preact/hooks';
import { ApiError, deviceIdPath, get } from '../lib/api.js';
import { formatDuration, formatValue } from '../lib/format.js';
import { getLang, t, type Lang } from '../lib/i18n.js';
import { useLiveTopic } from '../lib/live.js';
import { pointTitle } from '../lib/point-label.js';
import type { ConnectionRow, DeviceDetail, LiveFrame, Me, PacketRow, Sample, TimeNext } from '../lib/types.js';
import { useInterval, useLoad } from '../lib/use-load.js';
import { ErrorNote, Head, RefreshButton, Section, StatusBadge, TableWrap, Time } from '../components/bits.js';
import { Via } from '../components/via.js';
import { alarmClass, useOpenAlarms } from '../lib/alarms.js';
import { ConnectionTable } from './dashboard.js';
import { DeviceCharts } from './device-charts.js';
import { PacketTable } from './packet-table.js';
import { RegistryForm } from './registry-form.js';
import { WriteForm } from './write-form.js';

interface Unreachable {
  failures: number;
  slave: number;
  reason: string;
}

export function DevicePage({ id, me }: { id: string; me: Me }) {
  const detail = useLoad(
    () => get<{ device: DeviceDetail }>(`/api/devices/${deviceIdPath(id)}`).then((r) => r.device),
    [id],
  );
  const [values, setValues] = useState<Map<string, Sample>>(new Map());
  const [unreachable, setUnreachable] = useState<Unreachable | null>(null);
  const alarms = useOpenAlarms();
  const connections = useLoad(
    () => get<{ items: ConnectionRow[]; next: TimeNext }>('/api/connections', { device: id, limit: 20 }),
    [id],
  );
  const packets = useLoad(
    () => get<{ items: PacketRow[]; next: TimeNext }>('/api/packets', { device: id, limit: 30 }),
    [id],
  );

  useLiveTopic(`device:${id}`, (frame: LiveFrame) => {
    if (frame.type === 'snapshot' && 'values' in frame) {
      setValues(new Map(frame.values.map((s) => [s.point, s])));
      setUnreachable(frame.unreachable ? { failures: 0, slave: 0, reason: '' } : null);
    } else if (frame.type === 'data') {
      setValues((old) => {
        const next = new Map(old);
        for (const s of frame.samples) next.set(s.point, s);
        return next;
      });
      setUnreachable(null);
    } else if (frame.type === 'unreachable')
      setUnreachable({ failures: frame.failures, slave: frame.slave, reason: frame.reason });
    else if (frame.type === 'device') {
      if (frame.event === 'reachable') setUnreachable(null);
      if (frame.event === 'online' || frame.event === 'offline') {
        detail.reload();
        connections.reload();
      }
    }
  });
  // Slave backoff and queue depth change without frames: refresh them now and then.
  useInterval(() => detail.reload(), 5000);

  if (detail.error instanceof ApiError && detail.error.code === 'DEVICE_NOT_FOUND') {
    return (
      <>
        <p>
          <a href="/devices">← {t('device.back')}</a>
        </p>
        <h1>{id}</h1>
        <p class="note note-warn">{t('device.notFound', { id })}</p>
      </>
    );
  }
  const device = detail.data;
  const units = new Map((device?.points ?? []).map((p) => [p.name, p.unit]));
  const byName = new Map((device?.points ?? []).map((p) => [p.name, p]));
  const lang = getLang();

  return (
    <>
      <p>
        <a href="/devices">← {t('device.back')}</a>
      </p>
      <h1 class="device-title">
        {device?.name && <span class="device-name">{device.name}</span>}
        <span class="device-id">{id}</span> {device && <StatusBadge status={device.status} />}{' '}
        {device && !device.enabled && <span class="badge badge-warn">{t('registry.disabled')}</span>}{' '}
        {unreachable && <StatusBadge status="unreachable" />}
      </h1>
      <ErrorNote error={detail.error} />
      {unreachable && unreachable.failures > 0 && (
        <p class="note note-warn" role="status">
          {t('device.unreachable', {
            failures: unreachable.failures,
            slave: unreachable.slave,
            reason: unreachable.reason,
          })}
        </p>
      )}
      {device && (
        <Section title={t('device.overview')} id="overview">
          <dl class="facts">
            <Fact label={t('col.name')}>{device.name ?? '—'}</Fact>
            <Fact label={t('col.profile')}>{device.profile}</Fact>
            <Fact label={t('col.address')}>{device.ip ? `${device.ip}:${device.port}` : '—'}</Fact>
            <Fact label={t('col.via')}>
              <Via via={device.via} />
            </Fact>
            {(
              [
                ['col.connectedAt', device.connectedAt],
                ['col.lastHeartbeat', device.lastHeartbeatAt],
                ['col.lastData', device.lastDataAt],
                ['col.firstSeen', device.firstSeen],
                ['col.lastSeen', device.lastSeen],
              ] as const
            ).map(([key, at]) => (
              <Fact label={t(key)} key={key}>
                <Time at={at} />
              </Fact>
            ))}
            {device.session && <Fact label={t('device.queue')}>{device.session.queueDepth}</Fact>}
            {device.session && <Fact label={t('device.misses')}>{device.session.heartbeatMisses}</Fact>}
          </dl>
        </Section>
      )}
      <Section title={t('device.liveValues')} id="live-values">
        {values.size === 0 ? (
          <p class="muted">{t('device.noValues')}</p>
        ) : (
          <TableWrap label={t('device.liveValues')}>
            <table class="live-values">
              <Head
                cols={[t('col.point'), t('col.value'), t('col.slave'), t('col.address_'), t('col.raw'), t('col.time')]}
              />
              <tbody>
                {[...values.values()].map((s) => (
                  <tr key={s.point} data-point={s.point} class={alarmClass(alarms, id, s.point)}>
                    <th scope="row">
                      <PointName point={byName.get(s.point)} name={s.point} lang={lang} />
                    </th>
                    <td class="value" data-testid={`value-${s.point}`}>
                      {formatValue(s.value, s.text, units.get(s.point))}
                    </td>
                    <td>{s.slave}</td>
                    <td>{s.address}</td>
                    <td>
                      <code>{s.raw}</code>
                    </td>
                    <td>
                      <Time at={s.ts} ms />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </Section>
      {device && <DeviceCharts id={id} name={device.name} points={device.points} />}
      {device && (
        <RegistryForm
          key={`${device.registrationId}:${String(device.enabled)}`}
          device={device}
          me={me}
          onSaved={() => detail.reload()}
        />
      )}
      {device && (
        <Section title={t('device.slaves')} id="slaves">
          {device.slaves.length === 0 ? (
            <p class="muted">
              {device.via?.kind === 'channel'
                ? t('device.noSlavesChannel', { channel: device.via.channel })
                : t('device.noSlaves')}
            </p>
          ) : (
            <TableWrap label={t('device.slaves')}>
              <table>
                <Head
                  cols={[
                    t('col.slave'),
                    t('col.name'),
                    t('col.status'),
                    t('col.failures'),
                    t('col.backoff'),
                    t('col.lastSuccess'),
                    t('col.lastFailure'),
                  ]}
                />
                <tbody>
                  {device.slaves.map((s) => (
                    <tr key={s.slave}>
                      <td>{s.slave}</td>
                      <td>
                        {s.name}
                        {s.protocol !== 'modbus' && (
                          <div class="muted">
                            {t('device.meter', {
                              version: s.protocol.slice('dlt645-'.length),
                              address: s.meterAddress ?? t('device.meterDiscovering'),
                            })}
                          </div>
                        )}
                      </td>
                      <td>
                        {s.backedOff ? (
                          <span class="badge badge-warn">
                            {t('device.backedOff', {
                              time: formatDuration(Math.max(0, s.backoffUntil - Date.now()), lang),
                            })}
                          </span>
                        ) : (
                          <span class="badge badge-online">{t('device.healthy')}</span>
                        )}
                      </td>
                      <td>{s.consecutiveFailures}</td>
                      <td>{s.backoffMs > 0 ? formatDuration(s.backoffMs, lang) : '—'}</td>
                      <td>
                        <Time at={s.lastSuccessAt} />
                      </td>
                      <td>
                        <Time at={s.lastFailureAt} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        </Section>
      )}
      {device && <WriteForm device={device} me={me} />}
      <Section
        title={t('device.history')}
        id="device-connections"
        actions={<RefreshButton onClick={connections.reload} />}
      >
        <ErrorNote error={connections.error} />
        <ConnectionTable rows={connections.data?.items ?? []} showDevice={false} />
      </Section>
      <Section title={t('device.packets')} id="packets" actions={<RefreshButton onClick={packets.reload} />}>
        <ErrorNote error={packets.error} />
        {packets.data && packets.data.items.length === 0 ? (
          <p class="muted">{t('device.noPackets')}</p>
        ) : (
          <PacketTable rows={packets.data?.items ?? []} showDevice={false} />
        )}
      </Section>
    </>
  );
}

/** 温度 with the point's name below it when they differ (rules and exports use the name). */
function PointName({
  point,
  name,
  lang,
}: {
  point: DeviceDetail['points'][number] | undefined;
  name: string;
  lang: Lang;
}) {
  const title = pointTitle(point, name, lang);
  return title === name ? (
    <>{name}</>
  ) : (
    <>
      <span class="point-title">{title}</span> <span class="muted small point-name">{name}</span>
    </>
  );
}

function Fact({ label, children }: { label: string; children: preact.ComponentChildren }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
