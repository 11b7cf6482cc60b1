// Listener supervision: state, connections, restarts and last error of every DTU listener,
// live from the fleet channel's status frames; admins can start, stop and restart them.
import { useState } from 'preact/hooks';
import { ApiError, post, get } from '../lib/api.js';
import { formatBytes, formatPercent } from '../lib/format.js';
import { t } from '../lib/i18n.js';
import { useLiveChannel } from '../lib/live.js';
import type { Channel, LiveFrame, Me, ProcessUsage } from '../lib/types.js';
import { useLoad } from '../lib/use-load.js';
import { ErrorNote, Head, StatusBadge, TableWrap, Time } from '../components/bits.js';

export function ChannelsPage({ me }: { me: Me }) {
  const loaded = useLoad(() => get<{ process: ProcessUsage; items: Channel[] }>('/api/channels'), []);
  const [live, setLive] = useState<Channel[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<Error | null>(null);
  useLiveChannel('fleet', (frame: LiveFrame) => {
    if (frame.type === 'status') setLive(frame.status.channels);
  });

  const act = async (name: string, action: 'start' | 'stop' | 'restart', connections: number) => {
    if (action === 'stop' && connections > 0 && !window.confirm(t('channels.confirmStop', { name, count: connections }))) return;
    setBusy(name);
    setActionError(null);
    try {
      await post(`/api/channels/${encodeURIComponent(name)}/${action}`);
      setLive(null);
      loaded.reload();
    } catch (err) {
      setActionError(err instanceof ApiError ? err : new Error(String(err)));
    } finally {
      setBusy(null);
    }
  };

  const channels = live ?? loaded.data?.items ?? [];
  const isAdmin = me.role === 'admin';
  const proc = loaded.data?.process;
  return (
    <>
      <h1>{t('channels.title')}</h1>
      <p class="muted">{t('channels.intro')}</p>
      {proc && <p class="muted small">{t('channels.process', { pid: proc.pid, cpu: formatPercent(proc.cpuPercent), rss: formatBytes(proc.rssBytes) })}</p>}
      {!isAdmin && <p class="note">{t('channels.adminOnly')}</p>}
      <ErrorNote error={loaded.error ?? actionError} />
      <TableWrap label={t('channels.title')}>
        <table class="channels">
          <Head cols={[t('col.name'), t('col.state'), t('col.port'), t('col.link'), t('col.connections'), t('status.online'), t('col.restarts'), t('col.startedAt'), t('col.lastError'), isAdmin && t('col.actions')]} />
          <tbody>
            {channels.map((c) => (
              <tr key={c.name} data-channel={c.name}>
                <th scope="row">{c.name}</th>
                <td>
                  <StatusBadge status={c.state} />
                </td>
                <td>{`${c.host}:${c.port}`}</td>
                <td>{c.link}</td>
                <td>{c.connections}</td>
                <td>{c.online}</td>
                <td>{c.restarts}</td>
                <td>
                  <Time at={c.startedAt} />
                </td>
                <td>{c.lastError ?? ''}</td>
                {isAdmin && (
                  <td class="actions">
                    <button type="button" disabled={busy !== null || c.state === 'running'} onClick={() => act(c.name, 'start', c.connections)}>
                      {t('channels.start')}
                    </button>
                    <button type="button" disabled={busy !== null || c.state !== 'running'} onClick={() => act(c.name, 'stop', c.connections)}>
                      {t('channels.stop')}
                    </button>
                    <button type="button" disabled={busy !== null} onClick={() => act(c.name, 'restart', c.connections)}>
                      {t('channels.restart')}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </>
  );
}
