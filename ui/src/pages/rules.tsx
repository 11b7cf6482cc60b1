// The rules of rules.yml with their counters since start, and the file itself, read-only
// (the server masks secrets before it leaves).
import { get } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import type { RuleView } from '../lib/types.js';
import { useLoad } from '../lib/use-load.js';
import { ErrorNote, ListTable, RefreshButton, Section, Time } from '../components/bits.js';

interface RulesResponse {
  items: RuleView[];
  file: { path: string; text: string } | null;
}

export function RulesPage() {
  const loaded = useLoad(() => get<RulesResponse>('/api/rules'), []);
  const rules = loaded.data?.items ?? [];
  const file = loaded.data?.file ?? null;
  return (
    <>
      <h1>{t('rules.title')}</h1>
      <p class="muted">{t('rules.intro')}</p>
      <ErrorNote error={loaded.error} />
      <Section title={t('rules.title')} id="rules" actions={<RefreshButton onClick={loaded.reload} />}>
        <ListTable
          label={t('rules.title')}
          empty={!!loaded.data && rules.length === 0}
          emptyText={t('rules.none')}
          cols={[
            t('col.name'),
            t('rules.summary'),
            t('ruleAlarm.severity'),
            t('ruleAlarm.alarm'),
            t('ruleAlarm.notify'),
            t('rules.actions'),
            t('rules.fired'),
            t('rules.recovered'),
            t('rules.suppressed'),
            t('rules.debounced'),
            t('rules.lastFired'),
          ]}
        >
          {rules.map((r) => (
            <tr key={r.name} data-rule={r.name}>
              <th scope="row">
                {r.name}
                {r.description && <div class="muted small">{r.description}</div>}
              </th>
              <td>
                <code>{r.summary}</code>
              </td>
              <td data-col="severity">
                <span class={`badge sev-badge sev-${r.severity}`}>{t(`alarms.severity.${r.severity}`)}</span>
              </td>
              <td data-col="alarm">{r.alarm ? t('ruleAlarm.isAlarm') : t('ruleAlarm.notAlarm')}</td>
              <td data-col="notify">
                {r.notify.length > 0 ? r.notify.join(', ') : <span class="muted">{t('ruleAlarm.noNotify')}</span>}
              </td>
              <td>{r.actions.join(', ')}</td>
              <td>{r.counters.fired}</td>
              <td>{r.counters.recovered}</td>
              <td>{r.counters.suppressed}</td>
              <td>{r.counters.debounced}</td>
              <td>
                <Time at={r.counters.lastFiredAt} />
              </td>
            </tr>
          ))}
        </ListTable>
      </Section>
      {loaded.data && (
        <Section title={file ? t('rules.file', { path: file.path }) : 'rules.yml'} id="rules-file">
          {file ? (
            <>
              <p class="muted small">{t('rules.masked')}</p>
              <pre class="yaml" tabIndex={0}>
                <code>{file.text}</code>
              </pre>
            </>
          ) : (
            <p class="muted">{t('rules.noFile')}</p>
          )}
        </Section>
      )}
    </>
  );
}
