// Supervision: every DTU listener (state, connections, restarts, last error) and every
// outbound channel, live from the fleet topic's status frames; admins can start, stop and
// restart both.
import { useState } from 'preact/hooks';
import { ApiError, post, get } from '../lib/api.js';
import { formatBytes, formatPercent } from '../lib/format.js';
import { t } from '../lib/i18n.js';
import { useLiveTopic } from '../lib/live.js';
import type { Channel, Listener, LiveFrame, Me, ProcessUsage } from '../lib/types.js';
import { useLoad } from '../lib/use-load.js';
import { ErrorNote, Head, StatusBadge, TableWrap, Time } from '../components/bits.js';
import { ChannelControls, type ChannelAction } from '../components/channel-controls.js';
import { OutboundChannels } from './outbound-channels.js';

export function ChannelsPage({ me }: { me: Me }) {
  const loaded = useLoad(async () => {
    const [listeners, channels] = await Promise.all([
      get<{ process: ProcessUsage; items: Listener[] }>('/api/listeners'),
      get<{ items: Channel[] }>('/api/channels'),
    ]);
    return { process: listeners.process, listeners: listeners.items, channels: channels.items };
  }, []);
  const [live, setLive] = useState<{ listeners: Listener[]; channels: Channel[] } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<Error | null>(null);
  useLiveTopic('fleet', (frame: LiveFrame) => {
    if (frame.type === 'status') setLive({ listeners: frame.status.listeners, channels: frame.status.channels });
  });

  /** Runs an action on a listener or an outbound channel; `confirmText` asks first. */
  const act = async (
    kind: 'listeners' | 'channels',
    name: string,
    action: ChannelAction,
    confirmText: string | null,
  ) => {
    if (confirmText !== null && !window.confirm(confirmText)) return;
    setBusy(name);
    setActionError(null);
    try {
      await post(`/api/${kind}/${encodeURIComponent(name)}/${action}`);
      setLive(null);
      loaded.reload();
    } catch (err) {
      setActionError(err instanceof ApiError ? err : new Error(String(err)));
    } finally {
      setBusy(null);
    }
  };

  const listeners = live?.listeners ?? loaded.data?.listeners ?? [];
  const channels = live?.channels ?? loaded.data?.channels ?? [];
  const listenerAct = (l: Listener, action: ChannelAction) =>
    act(
      'listeners',
      l.name,
      action,
      action === 'stop' && l.connections > 0 ? t('channels.confirmStop', { name: l.name, count: l.connections }) : null,
    );
  const channelAct = (name: string, action: ChannelAction, confirmText: string | null) =>
    act('channels', name, action, confirmText);
  const isAdmin = me.role === 'admin';
  const proc = loaded.data?.process;
  return (
    <>
      <h1>{t('channels.title')}</h1>
      {proc && (
        <p class="muted small">
          {t('channels.process', {
            pid: proc.pid,
            cpu: formatPercent(proc.cpuPercent),
            rss: formatBytes(proc.rssBytes),
          })}
        </p>
      )}
      {!isAdmin && <p class="note">{t('channels.adminOnly')}</p>}
      <ErrorNote error={loaded.error ?? actionError} />
      <h2 class="table-title">{t('channels.listeners')}</h2>
      <p class="muted">{t('channels.intro')}</p>
      <TableWrap label={t('channels.listeners')}>
        <table class="listeners">
          <Head
            cols={[
              t('col.name'),
              t('col.state'),
              t('col.port'),
              t('col.link'),
              t('col.connections'),
              t('status.online'),
              t('col.registrationFailures'),
              t('col.restarts'),
              t('col.startedAt'),
              t('col.lastError'),
              isAdmin && t('col.actions'),
            ]}
          />
          <tbody>
            {listeners.map((c) => (
              <tr key={c.name} data-listener={c.name}>
                <th scope="row">{c.name}</th>
                <td>
                  <StatusBadge status={c.state} />
                </td>
                <td>{`${c.protocol.toUpperCase()} ${c.host}:${c.port}`}</td>
                <td>{c.links.join(', ')}</td>
                <td>{c.connections}</td>
                <td>{c.online}</td>
                <td>{c.registrationFailures}</td>
                <td>{c.restarts}</td>
                <td>
                  <Time at={c.startedAt} />
                </td>
                <td>{c.lastError ?? ''}</td>
                {isAdmin && (
                  <ChannelControls
                    running={c.state === 'running'}
                    busy={busy !== null}
                    onAction={(action) => void listenerAct(c, action)}
                  />
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <OutboundChannels
        channels={channels}
        isAdmin={isAdmin}
        busy={busy !== null}
        act={(name, action, confirmText) => void channelAct(name, action, confirmText)}
      />
    </>
  );
}
