// What a save or a check answered: the version and whether the live reload applied it, or the list of problems (file:line field: message).
import { t } from '../lib/i18n.js';
import type { ConfigIssue, ConfigSaveResult } from '../lib/types.js';

export function SaveNote({ result }: { result: ConfigSaveResult }) {
  if (result.result === 'unchanged')
    return (
      <p class="note" role="status">
        {t('config.unchanged')}
      </p>
    );
  const saved = t('config.saved', { id: String(result.version?.id ?? '') });
  if (result.applies === 'rejected') {
    const issues = ((result.reload as { issues?: ConfigIssue[] } | null)?.issues ?? []) as ConfigIssue[];
    return (
      <div class="note note-warn" role="status">
        {saved} {t('config.reloadRejected')}
        <IssueList issues={issues} />
      </div>
    );
  }
  return (
    <p class="note note-ok" role="status">
      {saved} {t('config.appliesLive')}
    </p>
  );
}

export function IssueList({ issues }: { issues: readonly ConfigIssue[] }) {
  return (
    <ul class="config-issues">
      {issues.map((i, n) => (
        <li key={n}>
          <code>
            {i.file.split('/').pop()}
            {i.line !== null ? `:${i.line}` : ''}
          </code>{' '}
          {i.field && <code>{i.field}</code>} {i.message}
        </li>
      ))}
    </ul>
  );
}
