// Shown on every page while the last config reload was rejected (nothing was applied: dtuhub
// runs the config from before), or when settings changed on disk wait for a restart.
import { get } from '../lib/api.js';
import { formatTime } from '../lib/format.js';
import { t } from '../lib/i18n.js';
import type { ConfigReloadState } from '../lib/types.js';
import { useInterval, useLoad } from '../lib/use-load.js';

/** How often the outcome is asked for: a file saved on the server is reloaded within a second. */
const POLL_MS = 5000;

export function ReloadNotice() {
  const { data, reload } = useLoad(() => get<ConfigReloadState>('/api/config/reload'), []);
  useInterval(reload, POLL_MS);
  const last = data?.last;
  if (!last) return null;
  if (!last.ok) {
    return (
      <div class="note note-error reload-notice" role="alert">
        <strong>
          {t('configReload.rejected', { at: formatTime(last.at), trigger: t(`configReload.trigger.${last.trigger}`) })}
        </strong>
        <ul>
          {(last.issues ?? []).map((i, n) => (
            <li key={n}>
              <code>
                {i.file}
                {i.line === null ? '' : `:${i.line}`}
                {i.field === '' ? '' : ` ${i.field}`}
              </code>{' '}
              {i.message}
            </li>
          ))}
        </ul>
      </div>
    );
  }
  if ((last.needsRestart ?? []).length === 0) return null;
  return (
    <p class="note note-warn reload-notice" role="status">
      {t('configReload.needsRestart', { settings: (last.needsRestart ?? []).join(', ') })}
    </p>
  );
}
