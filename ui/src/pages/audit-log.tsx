// The audit log (admins): logins, writes, user, token and channel changes, newest first.
import { get } from '../lib/api.js';
import { t, tMaybe } from '../lib/i18n.js';
import type { AuditRow, TimeNext } from '../lib/types.js';
import { useLoad } from '../lib/use-load.js';
import { ErrorNote, ListTable, RefreshButton, Section, Time } from '../components/bits.js';

const ROWS = 100;

export function AuditLog() {
  const audit = useLoad(() => get<{ items: AuditRow[]; next: TimeNext }>('/api/audit', { limit: ROWS }), []);
  const rows = audit.data?.items ?? [];
  return (
    <Section title={t('audit.title')} id="audit" actions={<RefreshButton onClick={audit.reload} />}>
      <ErrorNote error={audit.error} />
      <ListTable
        label={t('audit.title')}
        empty={!!audit.data && rows.length === 0}
        emptyText={t('data.empty')}
        cols={[
          t('col.time'),
          t('audit.actor'),
          t('audit.ip'),
          t('audit.action'),
          t('col.device'),
          t('audit.target'),
          t('audit.result'),
          t('col.details'),
        ]}
      >
        {rows.map((r) => (
          <tr key={r.id}>
            <td>
              <Time at={r.at} ms />
            </td>
            <td>{r.actor}</td>
            <td>{r.ip}</td>
            <td title={r.action}>{tMaybe('auditAction', r.action.replace(/\./g, '_'))}</td>
            <td>{r.device ?? ''}</td>
            <td>
              {r.fn !== null
                ? `${t('col.slave')} ${r.slave ?? '—'} · fn ${r.fn} · ${r.address ?? '—'} ← ${(r.values ?? []).join(', ')}`
                : ''}
            </td>
            <td>
              <span class={r.result === 'ok' ? 'event-connect' : 'event-rejected'}>
                {tMaybe('auditResult', r.result)}
              </span>
            </td>
            <td>{r.details ?? ''}</td>
          </tr>
        ))}
      </ListTable>
    </Section>
  );
}
