// The Channels page's second table: outbound channels (peers dtuhub connects to) with their
// state, errors, backoff countdown, devices and counters; admins start, stop and restart them.
import { useState } from 'preact/hooks';
import { formatDuration } from '../lib/format.js';
import { getLang, t, tMaybe } from '../lib/i18n.js';
import { devicePath } from '../lib/router.js';
import type { Channel } from '../lib/types.js';
import { useInterval } from '../lib/use-load.js';
import { Head, StatusBadge, TableWrap, Time } from '../components/bits.js';
import { ChannelControls, type ChannelAction } from '../components/channel-controls.js';

type CounterKey = 'connects' | 'collects' | 'samples' | 'errors';

/** The counters worth a glance; every kind of failure adds to `errors`. */
function counterLines(c: Channel): [CounterKey, number][] {
  const k = c.counters;
  return [
    ['connects', k.connects],
    ['collects', k.collects],
    ['samples', k.samples],
    ['errors', k.connectFailures + k.disconnects + k.collectErrors],
  ];
}

interface Props {
  channels: Channel[];
  isAdmin: boolean;
  busy: boolean;
  act: (name: string, action: ChannelAction, confirmText: string | null) => void;
}

export function OutboundChannels({ channels, isAdmin, busy, act }: Props) {
  // The backoff countdown moves every second between status frames.
  const [now, setNow] = useState(Date.now());
  useInterval(() => setNow(Date.now()), 1000);
  const lang = getLang();

  return (
    <section aria-labelledby="outbound-heading">
      <h2 id="outbound-heading" class="table-title">
        {t('outbound.title')}
      </h2>
      <p class="muted">{t('outbound.intro')}</p>
      {channels.length === 0 ? (
        <p class="muted">{t('outbound.none')}</p>
      ) : (
        <TableWrap label={t('outbound.title')}>
          <table class="channels">
            <Head
              cols={[
                t('col.name'),
                t('outbound.target'),
                t('col.state'),
                t('col.lastError'),
                t('outbound.lastCollect'),
                t('outbound.nextAttempt'),
                t('col.failures'),
                t('outbound.devices'),
                t('outbound.counters'),
                isAdmin && t('col.actions'),
              ]}
            />
            <tbody>
              {channels.map((c) => (
                <tr key={c.name} data-channel={c.name} data-state={c.state}>
                  <th scope="row">
                    {c.name}
                    <span class="channel-type">{tMaybe('channelType', c.type)}</span>
                  </th>
                  <td class="target">
                    <code>{c.target}</code>
                  </td>
                  <td class="state">
                    <StatusBadge status={c.state} />
                    {!c.enabled && <span class="muted small"> {t('outbound.disabled')}</span>}
                  </td>
                  <td class="last-error">
                    {c.lastError ? (
                      <>
                        {c.lastError}
                        <br />
                        <Time at={c.lastErrorAt} />
                      </>
                    ) : (
                      <span class="muted">—</span>
                    )}
                  </td>
                  <td>
                    <Time at={c.lastCollectAt} />
                  </td>
                  <td class="next-attempt">
                    {c.state === 'backing-off' && c.nextAttemptAt !== null ? (
                      t('outbound.inTime', { time: formatDuration(Math.max(0, c.nextAttemptAt - now), lang) })
                    ) : (
                      <span class="muted">—</span>
                    )}
                  </td>
                  <td>{c.failures}</td>
                  <td class="devices">
                    {c.devices.length === 0 ? (
                      <span class="muted">—</span>
                    ) : (
                      c.devices.map((id) => (
                        <a href={devicePath(id)} key={id}>
                          {id}
                        </a>
                      ))
                    )}
                  </td>
                  <td class="counters small">
                    {counterLines(c).map(([key, n]) => (
                      <span key={key} data-counter={key}>
                        {t(`outbound.counter.${key}`)} {n}
                      </span>
                    ))}
                  </td>
                  {isAdmin && (
                    <ChannelControls
                      running={c.state !== 'stopped'}
                      busy={busy}
                      onAction={(action) =>
                        act(
                          c.name,
                          action,
                          action === 'stop'
                            ? t('outbound.confirmStop', { name: c.name, count: c.devices.length })
                            : null,
                        )
                      }
                    />
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  );
}
