// The notifiers of rules.yml (GET /api/notifiers), read-only: type, where they send (no
// secrets), whether quiet hours hold messages now, and what they sent or failed since start.
import type { Notifier } from '../../../src/web/api-types.js';
import { get } from '../lib/api.js';
import { t, tMaybe } from '../lib/i18n.js';
import { useLoad } from '../lib/use-load.js';
import { ErrorNote, ListTable, RefreshButton, Section, Time } from '../components/bits.js';

export function NotifiersSection() {
  const notifiers = useLoad(() => get<{ items: Notifier[] }>('/api/notifiers'), []);
  const items = notifiers.data?.items ?? [];
  return (
    <Section title={t('notifiers.title')} id="notifiers" actions={<RefreshButton onClick={notifiers.reload} />}>
      <p class="muted">{t('notifiers.intro')}</p>
      <ErrorNote error={notifiers.error} />
      <ListTable
        label={t('notifiers.title')}
        className="notifiers-table"
        empty={!!notifiers.data && items.length === 0}
        emptyText={t('notifiers.none')}
        cols={[
          t('col.name'),
          t('notifiers.type'),
          t('notifiers.target'),
          t('webhooks.enabled'),
          t('notifiers.counts'),
          t('notifiers.lastSent'),
          t('notifiers.lastError'),
        ]}
      >
        {items.map((n) => (
          <tr key={n.name} data-notifier={n.name}>
            <td>{n.name}</td>
            <td>{tMaybe('notifierType', n.type)}</td>
            <td>
              <code>{n.target}</code>
            </td>
            <td>
              {n.enabled ? t('webhooks.yes') : t('webhooks.no')}
              {n.quiet ? ` · ${t('notifiers.quietNow')}` : ''}
            </td>
            <td>
              {t('notifiers.countsValue', {
                sent: n.sent,
                failed: n.failed,
                queued: n.queued,
                held: n.held,
                dropped: n.dropped,
              })}
            </td>
            <td>{n.lastSentAt !== null ? <Time at={n.lastSentAt} /> : '—'}</td>
            <td>
              {n.lastError !== null ? (
                <span class="event-rejected">
                  {n.lastErrorAt !== null && <Time at={n.lastErrorAt} />} {n.lastError}
                </span>
              ) : (
                '—'
              )}
            </td>
          </tr>
        ))}
      </ListTable>
    </Section>
  );
}
