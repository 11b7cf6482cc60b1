// The config history: every saved version of points.yml and rules.yml (who, when, why), a
// diff of any version against the file as it is now, and roll back (itself a new version).
import { useState } from 'preact/hooks';
import { ApiError, get, post } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import type { ConfigSaveResult, ConfigVersion, ConfigVersionDetail } from '../lib/types.js';
import { useLoad } from '../lib/use-load.js';
import { ErrorNote, Head, TableWrap, Time } from '../components/bits.js';
import { SaveNote } from './config-notes.js';

function actionText(v: ConfigVersion): string {
  return v.action === 'rollback'
    ? t('config.actions.rollback', { id: String(v.rolledBackTo) })
    : t(`config.actions.${v.action}`);
}

export function ConfigHistory({ onRolledBack }: { onRolledBack: () => void }) {
  const versions = useLoad(() => get<{ items: ConfigVersion[] }>('/api/config/versions'), []);
  const [detail, setDetail] = useState<ConfigVersionDetail | null>(null);
  const [result, setResult] = useState<ConfigSaveResult | null>(null);
  const [error, setError] = useState<Error | null>(null);

  const showDiff = async (id: number) => {
    setError(null);
    try {
      setDetail(await get<ConfigVersionDetail>(`/api/config/versions/${id}`));
    } catch (err) {
      setError(err as Error);
    }
  };
  const rollback = async (v: ConfigVersion) => {
    if (!window.confirm(t('config.confirmRollback', { id: String(v.id), file: v.file }))) return;
    setError(null);
    try {
      setResult(await post<ConfigSaveResult>(`/api/config/versions/${v.id}/rollback`, {}));
      setDetail(null);
      versions.reload();
      onRolledBack();
    } catch (err) {
      setError(err instanceof ApiError ? err : new Error(String(err)));
    }
  };

  const items = versions.data?.items ?? [];
  return (
    <>
      <ErrorNote error={error ?? versions.error} />
      {result && <SaveNote result={result} />}
      {items.length === 0 && !versions.loading && <p class="muted">{t('config.noVersions')}</p>}
      {items.length > 0 && (
        <TableWrap label={t('config.tabHistory')}>
          <table class="config-versions">
            <Head
              cols={[
                t('config.version'),
                t('config.when'),
                t('config.who'),
                t('config.rawFile'),
                t('config.action'),
                t('config.commentCol'),
                t('col.actions'),
              ]}
            />
            <tbody>
              {items.map((v) => (
                <tr key={v.id} data-version={v.id}>
                  <th scope="row">{v.id}</th>
                  <td>
                    <Time at={v.at} />
                  </td>
                  <td>{v.actor}</td>
                  <td>{v.file}</td>
                  <td>{actionText(v)}</td>
                  <td>{v.comment ?? ''}</td>
                  <td class="row-actions">
                    <button type="button" onClick={() => void showDiff(v.id)}>
                      {t('config.diff')}
                    </button>
                    <button type="button" class="danger" onClick={() => void rollback(v)}>
                      {t('config.rollback')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {detail && (
        <section class="card" aria-label={t('config.diffTitle', { id: String(detail.version.id) })}>
          <h2>{t('config.diffTitle', { id: String(detail.version.id) })}</h2>
          {detail.current && <p class="note note-ok">{t('config.current')}</p>}
          <pre class="config-diff">
            {detail.diff.map((l, i) => (
              <span key={i} class={l.op === '+' ? 'diff-add' : l.op === '-' ? 'diff-del' : 'diff-same'}>
                {`${l.op} ${l.text}\n`}
              </span>
            ))}
          </pre>
        </section>
      )}
    </>
  );
}
