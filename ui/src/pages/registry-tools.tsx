// The device list's registry tools: pre-register a device (operators), import a CSV or
// XLSX device list (admins; every bad row is listed by line and nothing is applied), and
// export the list.
import { useState } from 'preact/hooks';
import { ApiError, post } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import type { Me } from '../lib/types.js';
import { ErrorNote, Section } from '../components/bits.js';

type Panel = 'add' | 'import' | null;

export function RegistryTools({ me, onChange }: { me: Me; onChange: () => void }) {
  const [panel, setPanel] = useState<Panel>(null);
  const canEdit = me.role === 'operator' || me.role === 'admin';
  const toggle = (next: Panel) => setPanel(panel === next ? null : next);
  return (
    <>
      <div class="toolbar registry-tools">
        {canEdit && (
          <button type="button" aria-expanded={panel === 'add'} onClick={() => toggle('add')}>
            {t('registry.add')}
          </button>
        )}
        {me.role === 'admin' && (
          <button type="button" aria-expanded={panel === 'import'} onClick={() => toggle('import')}>
            {t('registry.importTitle')}
          </button>
        )}
        <a class="button" href="/api/registry/export?format=csv" download>
          {t('registry.exportCsv')}
        </a>
        <a class="button" href="/api/registry/export?format=xlsx" download>
          {t('registry.exportXlsx')}
        </a>
      </div>
      {panel === 'add' && <AddDevice onDone={onChange} onCancel={() => setPanel(null)} />}
      {panel === 'import' && <ImportList onDone={onChange} />}
    </>
  );
}

function AddDevice({ onDone, onCancel }: { onDone: () => void; onCancel: () => void }) {
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [group, setGroup] = useState('');
  const [error, setError] = useState<Error | null>(null);
  const [done, setDone] = useState<string | null>(null);
  return (
    <Section title={t('registry.addTitle')} id="add-device">
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          const body = { registrationId: id.trim(), name: name.trim() || null, group: group.trim() || null };
          post('/api/devices', body).then(() => {
            setDone(body.registrationId);
            setId('');
            setName('');
            onDone();
          }, setError);
        }}
      >
        <div class="field">
          <label for="add-id">{t('registry.registrationId')}</label>
          <input id="add-id" required maxLength={128} value={id} onInput={(e) => setId(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="add-name">{t('registry.name')}</label>
          <input id="add-name" maxLength={255} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="add-group">{t('registry.group')}</label>
          <input id="add-group" maxLength={128} value={group} onInput={(e) => setGroup(e.currentTarget.value)} />
        </div>
        <button type="submit" class="primary">
          {t('registry.create')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('registry.cancel')}
        </button>
      </form>
      {done && (
        <p class="muted" role="status">
          {t('registry.created', { id: done })}
        </p>
      )}
      <ErrorNote error={error} />
    </Section>
  );
}

/** XLSX goes as base64 inside the JSON body (the API takes JSON only). */
async function fileBody(file: File): Promise<{ format: 'csv' | 'xlsx'; content: string }> {
  if (!file.name.toLowerCase().endsWith('.xlsx')) return { format: 'csv', content: await file.text() };
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { format: 'xlsx', content: btoa(binary) };
}

function ImportList({ onDone }: { onDone: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ created: number; updated: number } | null>(null);
  const [rejected, setRejected] = useState<readonly string[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const submit = async () => {
    if (!file) return;
    setBusy(true);
    setResult(null);
    setRejected(null);
    setError(null);
    try {
      setResult(await post<{ created: number; updated: number }>('/api/registry/import', await fileBody(file)));
      onDone();
    } catch (err) {
      if (err instanceof ApiError && err.code === 'IMPORT_INVALID') setRejected(err.details);
      else setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title={t('registry.importTitle')} id="import-devices">
      <p class="muted small">{t('registry.importHelp')}</p>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div class="field">
          <label for="import-file">{t('registry.importFile')}</label>
          <input
            id="import-file"
            type="file"
            accept=".csv,.xlsx,text/csv"
            onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
          />
        </div>
        <button type="submit" class="primary" disabled={!file || busy}>
          {t('registry.importButton')}
        </button>
      </form>
      {result && (
        <p class="note" role="status">
          {t('registry.imported', result)}
        </p>
      )}
      {rejected && (
        <div class="note note-error" role="alert">
          <p>{t('registry.importRejected', { count: rejected.length })}</p>
          <ul class="import-errors">
            {rejected.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </div>
      )}
      <ErrorNote error={error} />
    </Section>
  );
}
