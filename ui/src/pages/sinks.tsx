// Northbound sinks: each sink's state, lag, backlog in memory and on disk, row counters and
// last error, refreshed every 2 s; admins start, stop and restart them.
import { useState } from 'preact/hooks';
import { ApiError, get, post } from '../lib/api.js';
import { formatBytes, formatDuration } from '../lib/format.js';
import { getLang, t, tMaybe } from '../lib/i18n.js';
import type { Me, Sink } from '../lib/types.js';
import { useInterval, useLoad } from '../lib/use-load.js';
import { ErrorNote, Head, StatusBadge, TableWrap } from '../components/bits.js';
import { ChannelControls, type ChannelAction } from '../components/channel-controls.js';

const COUNTERS = ['sent', 'spilled', 'replayed', 'dropped', 'rejected'] as const;

export function SinksPage({ me }: { me: Me }) {
  const loaded = useLoad(() => get<{ items: Sink[] }>('/api/sinks'), []);
  useInterval(() => loaded.reload(), 2000);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<Error | null>(null);
  const isAdmin = me.role === 'admin';
  const lang = getLang();
  const sinks = loaded.data?.items ?? [];

  const act = async (name: string, action: ChannelAction) => {
    if (action === 'stop' && !window.confirm(t('sinks.confirmStop', { name }))) return;
    setBusy(true);
    setActionError(null);
    try {
      await post(`/api/sinks/${encodeURIComponent(name)}/${action}`);
      loaded.reload();
    } catch (err) {
      setActionError(err instanceof ApiError ? err : new Error(String(err)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1>{t('sinks.title')}</h1>
      <p class="muted">{t('sinks.intro')}</p>
      {!isAdmin && <p class="note">{t('sinks.adminOnly')}</p>}
      <ErrorNote error={loaded.error ?? actionError} />
      {sinks.length === 0 ? (
        <p class="muted">{t('sinks.none')}</p>
      ) : (
        <TableWrap label={t('sinks.title')}>
          <table class="sinks">
            <Head
              cols={[
                t('col.name'),
                t('sinks.target'),
                t('col.state'),
                t('sinks.lag'),
                t('sinks.backlog'),
                t('sinks.counters'),
                t('col.lastError'),
                isAdmin && t('col.actions'),
              ]}
            />
            <tbody>
              {sinks.map((s) => (
                <tr key={s.name} data-sink={s.name} data-state={s.state}>
                  <th scope="row">
                    {s.name}
                    <span class="channel-type">{tMaybe('sinkType', s.type)}</span>
                  </th>
                  <td class="target">
                    <code>{s.target}</code>
                    {s.samples === 'stored' && <span class="muted small"> {t('sinks.storedOnly')}</span>}
                  </td>
                  <td class="state">
                    <StatusBadge status={s.state} />
                    {!s.enabled && <span class="muted small"> {t('sinks.disabled')}</span>}
                  </td>
                  <td class="lag">{s.lagMs === null ? '—' : formatDuration(s.lagMs, lang)}</td>
                  <td class="backlog">
                    {s.backlogRows} / {s.rowsOnDisk} ({formatBytes(s.bytesOnDisk)})
                  </td>
                  <td class="counters small">
                    {COUNTERS.map((key) => (
                      <span key={key} data-counter={key}>
                        {t(`sinks.counter.${key}`)} {s.counters[key]}
                      </span>
                    ))}
                  </td>
                  <td class="last-error">{s.lastError ?? <span class="muted">—</span>}</td>
                  {isAdmin && (
                    <ChannelControls
                      running={s.state !== 'stopped'}
                      busy={busy}
                      onAction={(action) => void act(s.name, action)}
                    />
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </>
  );
}
