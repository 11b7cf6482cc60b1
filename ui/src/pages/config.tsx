// Admins: edit points.yml (profiles, their tasks and points) and rules.yml (webhook
// endpoints and rules) in forms or as raw YAML, save after the server has checked the whole
// configuration, test a point or task on an online device before saving, and see the history.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, get, post } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import type { ConfigFileView, ConfigIssue, ConfigSaveResult, DeviceList, TestReadResult } from '../lib/types.js';
import { useLoad } from '../lib/use-load.js';
import { ErrorNote, Section } from '../components/bits.js';
import { EntryTable, FieldList, type Entry } from '../components/config-rows.js';
import { ConfigHistory } from './config-history.js';
import { IssueList, SaveNote } from './config-notes.js';
import { TestResult } from './config-test.js';

type FileName = 'points.yml' | 'rules.yml';
type Tab = 'points' | 'rules' | 'raw' | 'history';
type Data = Record<string, unknown>;

const asEntry = (v: unknown): Entry => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Entry) : {});
const asRows = (v: unknown): Entry[] => (Array.isArray(v) ? v.map(asEntry) : []);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** One edit per top-level section that differs: the server rewrites only the changed values in it. */
function editsBetween(before: Data, after: Data) {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys
    .filter((k) => !same(before[k], after[k]))
    .map((k) => (k in after ? { path: [k], value: after[k] } : { path: [k], remove: true as const }));
}

function issuesOf(err: unknown): ConfigIssue[] | null {
  if (!(err instanceof ApiError) || err.code !== 'CONFIG_INVALID') return null;
  return ((err.body as { issues?: ConfigIssue[] } | undefined)?.issues ?? []) as ConfigIssue[];
}

export function ConfigPage() {
  const [tab, setTab] = useState<Tab>('points');
  const [generation, setGeneration] = useState(0);
  const points = useLoad(() => get<ConfigFileView>('/api/config/files/points.yml'), [generation]);
  const rules = useLoad(() => get<ConfigFileView>('/api/config/files/rules.yml'), [generation]);
  const [saved, setSaved] = useState<ConfigSaveResult | null>(null);
  // Kept here: a save opens the file again, and the form should stay on the same profile.
  const profile = useState('');
  const events: SaveEvents = {
    onStart: () => setSaved(null),
    onSaved: (result) => {
      setSaved(result);
      setGeneration((g) => g + 1);
    },
  };
  const tabs: [Tab, string][] = [
    ['points', t('config.tabPoints')],
    ['rules', t('config.tabRules')],
    ['raw', t('config.tabRaw')],
    ['history', t('config.tabHistory')],
  ];
  return (
    <>
      <h1>{t('config.title')}</h1>
      <p class="muted">{t('config.intro')}</p>
      <div class="tabs" role="tablist" aria-label={t('config.files')}>
        {tabs.map(([id, label]) => (
          <button key={id} type="button" role="tab" aria-selected={tab === id} onClick={() => setTab(id)}>
            {label}
          </button>
        ))}
      </div>
      <ErrorNote error={points.error ?? rules.error} />
      {saved && tab !== 'history' && <SaveNote result={saved} />}
      {tab === 'points' && points.data && (
        <FileForm key={`p${points.data.sha256}`} view={points.data} events={events} profile={profile} />
      )}
      {tab === 'rules' && rules.data && (
        <FileForm key={`r${rules.data.sha256}`} view={rules.data} events={events} profile={profile} />
      )}
      {tab === 'raw' && points.data && rules.data && <RawEditor views={[points.data, rules.data]} events={events} />}
      {tab === 'history' && <ConfigHistory onRolledBack={() => setGeneration((g) => g + 1)} />}
    </>
  );
}

/** Saving: the comment, the button, and what the server answered. */
/** What the page hears from a save: it starts (old notes go), and a version was written. */
interface SaveEvents {
  onStart: () => void;
  onSaved: (result: ConfigSaveResult) => void;
}

function useSave(file: FileName, baseSha256: string, events: SaveEvents) {
  const [issues, setIssues] = useState<ConfigIssue[]>([]);
  const [result, setResult] = useState<ConfigSaveResult | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const save = async (body: { text?: string; edits?: unknown[] }, comment: string) => {
    setBusy(true);
    setError(null);
    setResult(null);
    events.onStart();
    try {
      const answer = await api<ConfigSaveResult>('PUT', `/api/config/files/${file}`, {
        body: { ...body, baseSha256, ...(comment ? { comment } : {}) },
      });
      setIssues([]);
      // A saved file is opened again (new forms); its note is kept by the page.
      if (answer.result === 'saved') events.onSaved(answer);
      else setResult(answer);
    } catch (err) {
      const found = issuesOf(err);
      if (found) setIssues(found);
      else
        setError(
          err instanceof ApiError && err.code === 'CONFIG_CONFLICT' ? new Error(t('config.conflict')) : (err as Error),
        );
    } finally {
      setBusy(false);
    }
  };
  return { issues, setIssues, result, error, busy, save };
}

function SaveBar(props: { busy: boolean; onSave: (comment: string) => void; extra?: preact.ComponentChildren }) {
  const [comment, setComment] = useState('');
  return (
    <div class="save-bar">
      <label for="config-comment">{t('config.comment')}</label>
      <input id="config-comment" value={comment} maxLength={500} onInput={(e) => setComment(e.currentTarget.value)} />
      {props.extra}
      <button type="button" class="primary" disabled={props.busy} onClick={() => props.onSave(comment)}>
        {props.busy ? t('config.saving') : t('config.save')}
      </button>
    </div>
  );
}

function Outcome(props: { issues: ConfigIssue[]; result: ConfigSaveResult | null; error: Error | null }) {
  return (
    <>
      <ErrorNote error={props.error} />
      {props.issues.length > 0 && (
        <div class="note note-error" role="alert">
          {t('config.issues')}
          <IssueList issues={props.issues} />
        </div>
      )}
      {props.result && <SaveNote result={props.result} />}
    </>
  );
}

/** The forms of one file; the working copy is saved as edits to the file as it was opened. */
type Choice = [string, (name: string) => void];

function FileForm({ view, events, profile }: { view: ConfigFileView; events: SaveEvents; profile: Choice }) {
  const file = view.file as FileName;
  const original = asEntry(view.data);
  const [data, setData] = useState<Data>(structuredClone(original));
  const saving = useSave(file, view.sha256, events);
  return (
    <>
      <Outcome issues={saving.issues} result={saving.result} error={saving.error} />
      {file === 'points.yml' ? (
        <ProfilesForm data={data} onChange={setData} issues={saving.issues} choice={profile} />
      ) : (
        <RulesForm data={data} onChange={setData} issues={saving.issues} />
      )}
      <SaveBar
        busy={saving.busy}
        onSave={(comment) => void saving.save({ edits: editsBetween(original, data) }, comment)}
      />
    </>
  );
}

function ProfilesForm(props: { data: Data; onChange: (d: Data) => void; issues: ConfigIssue[]; choice: Choice }) {
  const profiles = asEntry(props.data['profiles']);
  const names = Object.keys(profiles);
  const [chosen, setName] = props.choice;
  const name = names.includes(chosen) ? chosen : (names[0] ?? '');
  const devices = useLoad(() => get<DeviceList>('/api/devices', { status: 'online', limit: 500 }), []);
  const online = (devices.data?.items ?? []).filter((d) => d.status === 'online').map((d) => d.registrationId);
  const [device, setDevice] = useState('');
  const [test, setTest] = useState<{ result: TestReadResult | null; error: Error | null; busy: boolean } | null>(null);
  useEffect(() => {
    if (!device && online.length > 0) setDevice(online[0]!);
  }, [online.join('\n')]);
  const profile = asEntry(profiles[name]);
  const path = ['profiles', name];
  const setProfile = (next: Entry) => props.onChange({ ...props.data, profiles: { ...profiles, [name]: next } });

  const runTest = async (target: { task: string } | { point: string }) => {
    setTest({ result: null, error: null, busy: true });
    try {
      const body = { device, profile: name, ...target, edits: [{ path, value: profile }] };
      setTest({ result: await post<TestReadResult>('/api/config/test', body), error: null, busy: false });
    } catch (err) {
      const found = issuesOf(err);
      setTest({
        result: null,
        error: found ? new Error(found.map((i) => `${i.field}: ${i.message}`).join('; ')) : (err as Error),
        busy: false,
      });
    }
  };
  const testButton = (target: { task: string } | { point: string }) => (
    <button type="button" disabled={!device || test?.busy === true} onClick={() => void runTest(target)}>
      {t('config.test')}
    </button>
  );

  return (
    <>
      <div class="filters">
        <label for="config-profile">{t('config.profile')}</label>
        <select id="config-profile" value={name} onChange={(e) => setName(e.currentTarget.value)}>
          {names.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        <label for="config-device">{t('config.testDevice')}</label>
        <select id="config-device" value={device} onChange={(e) => setDevice(e.currentTarget.value)}>
          {online.length === 0 && <option value="">{t('config.noOnline')}</option>}
          {online.map((d) => (
            <option key={d} value={d}>
              {d}
            </option>
          ))}
        </select>
      </div>
      {test && <TestResult device={device} {...test} />}
      <Section title={t('config.profileFields')} id="profile-fields">
        <FieldList
          label={name}
          path={path}
          entry={profile}
          skip={['tasks', 'points']}
          issues={props.issues}
          onChange={setProfile}
        />
      </Section>
      <Section title={t('config.tasks')} id="tasks">
        <EntryTable
          label={t('config.tasks')}
          path={[...path, 'tasks']}
          rows={asRows(profile['tasks'])}
          rowName={(r, i) => String(r['name'] ?? i)}
          issues={props.issues}
          onChange={(rows) => setProfile({ ...profile, tasks: rows })}
          action={(r) => typeof r['name'] === 'string' && testButton({ task: r['name'] })}
        />
      </Section>
      <Section title={t('config.points')} id="points">
        <EntryTable
          label={t('config.points')}
          path={[...path, 'points']}
          rows={asRows(profile['points'])}
          rowName={(r, i) => String(r['name'] ?? i)}
          issues={props.issues}
          onChange={(rows) => setProfile({ ...profile, points: rows })}
          extraColumns={['scale']}
          action={(r) => typeof r['name'] === 'string' && testButton({ point: r['name'] })}
        />
      </Section>
    </>
  );
}

function RulesForm(props: { data: Data; onChange: (d: Data) => void; issues: ConfigIssue[] }) {
  const webhooks = asEntry(props.data['webhooks']);
  const names = Object.keys(webhooks);
  return (
    <>
      <Section title={t('config.webhooks')} id="webhooks">
        <EntryTable
          label={t('config.webhooks')}
          path={['webhooks']}
          rows={names.map((n) => asEntry(webhooks[n]))}
          rowKeys={names}
          rowName={(_, i) => names[i]!}
          issues={props.issues}
          onChange={(rows) =>
            props.onChange({ ...props.data, webhooks: Object.fromEntries(names.map((n, i) => [n, rows[i]])) })
          }
        />
      </Section>
      <Section title={t('config.rules')} id="rules">
        <EntryTable
          label={t('config.rules')}
          path={['rules']}
          rows={asRows(props.data['rules'])}
          rowName={(r, i) => String(r['name'] ?? i)}
          issues={props.issues}
          onChange={(rows) => props.onChange({ ...props.data, rules: rows })}
        />
      </Section>
    </>
  );
}

/** The whole file as text, for experts: check without saving, or save. */
function RawEditor({ views, events }: { views: ConfigFileView[]; events: SaveEvents }) {
  const [file, setFile] = useState<FileName>('points.yml');
  const view = views.find((v) => v.file === file)!;
  const [text, setText] = useState(view.text);
  const [checked, setChecked] = useState<ConfigIssue[] | null>(null);
  const saving = useSave(file, view.sha256, events);
  useEffect(() => {
    setText(view.text);
    setChecked(null);
  }, [file, view.sha256]);
  const check = async () => {
    const answer = await post<{ issues: ConfigIssue[] }>(`/api/config/files/${file}/check`, { text });
    setChecked(answer.issues);
    saving.setIssues(answer.issues);
  };
  return (
    <>
      <label for="config-raw-file">{t('config.rawFile')}</label>
      <select id="config-raw-file" value={file} onChange={(e) => setFile(e.currentTarget.value as FileName)}>
        {views.map((v) => (
          <option key={v.file} value={v.file}>
            {v.file}
          </option>
        ))}
      </select>
      <Outcome issues={saving.issues} result={saving.result} error={saving.error} />
      {checked !== null && checked.length === 0 && <p class="note note-ok">{t('config.valid')}</p>}
      <textarea
        class="config-raw"
        aria-label={file}
        spellcheck={false}
        rows={30}
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
      />
      <SaveBar
        busy={saving.busy}
        onSave={(comment) => void saving.save({ text }, comment)}
        extra={
          <button type="button" onClick={() => void check()}>
            {t('config.check')}
          </button>
        }
      />
    </>
  );
}
