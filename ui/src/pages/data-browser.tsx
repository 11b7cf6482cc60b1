// Browse stored history (point values, connection history, raw packets) with filters, page
// by page, and export every matching row as CSV or Excel through the streaming export API.
// The connection history page is this browser fixed to one table.
import { useState } from 'preact/hooks';
import { apiUrl, deviceIdPath, get, type Query } from '../lib/api.js';
import { formatValue, fromLocalInput, timeZone, toLocalInput } from '../lib/format.js';
import { getLang, t, tMaybe } from '../lib/i18n.js';
import { pointOption, pointTitle } from '../lib/point-label.js';
import { useLocation } from '../lib/router.js';
import type { ConnectionRow, DeviceDetail, DeviceList, PacketRow, PointInfo, Sample } from '../lib/types.js';
import { useLoad } from '../lib/use-load.js';
import { ErrorNote, Head, TableWrap, Time } from '../components/bits.js';
import { DateTimeInput } from '../components/date-time-input.js';
import { ConnectionTable } from './dashboard.js';
import { PacketTable } from './packet-table.js';
import { ExportChoices, exportQuery, NO_CHOICE, type ExportChoice } from './export-choices.js';

export type TableName = 'data' | 'connections' | 'packets';
const KINDS = ['registration', 'heartbeat', 'request', 'response', 'exception', 'garbage', 'stray', 'data', 'ack'];

interface Filters {
  table: TableName;
  device: string;
  point: string;
  kind: string;
  from: string;
  to: string;
  limit: number;
}

type Rows =
  | { table: 'data'; items: Sample[] }
  | { table: 'connections'; items: ConnectionRow[] }
  | { table: 'packets'; items: PacketRow[] };

interface Page {
  rows: Rows;
  more: Query | null;
}

function filterQuery(f: Filters): Query {
  return {
    device: f.table === 'data' ? undefined : f.device,
    point: f.table === 'data' ? f.point : undefined,
    kind: f.table === 'packets' ? f.kind : undefined,
    from: fromLocalInput(f.from),
    to: fromLocalInput(f.to),
  };
}

async function loadPage(f: Filters, cursor: Query | null): Promise<Page> {
  const query: Query = { ...filterQuery(f), limit: f.limit, order: 'desc', ...cursor };
  if (f.table === 'data') {
    const r = await get<{ items: Sample[]; next: { afterTs: number; afterPoint: string } | null }>(
      `/api/devices/${deviceIdPath(f.device)}/data`,
      query,
    );
    return { rows: { table: 'data', items: r.items }, more: r.next };
  }
  const r = await get<{ items: (ConnectionRow & PacketRow)[]; next: { to: number } | { from: number } | null }>(
    `/api/${f.table}`,
    query,
  );
  return { rows: { table: f.table, items: r.items } as Rows, more: r.next };
}

export function DataBrowserPage({ only }: { only?: TableName }) {
  const { query } = useLocation();
  const initial: Filters = {
    table: only ?? (query.get('table') as TableName | null) ?? 'data',
    device: query.get('device') ?? '',
    point: query.get('point') ?? '',
    kind: '',
    from: toLocalInput(Date.now() - 86_400_000),
    to: '',
    limit: 100,
  };
  const [form, setForm] = useState<Filters>(initial);
  const [applied, setApplied] = useState<Filters | null>(initial.table !== 'data' || initial.device ? initial : null);
  const [pages, setPages] = useState<Page[]>([]);
  const devices = useLoad(() => get<DeviceList>('/api/devices', { limit: 1000 }), []);
  const detail = useLoad(
    () =>
      form.device
        ? get<{ device: DeviceDetail }>(`/api/devices/${deviceIdPath(form.device)}`).then((r) => r.device)
        : Promise.resolve(null),
    [form.device],
  );
  const first = useLoad(async () => {
    setPages([]);
    return applied && (applied.table !== 'data' || applied.device) ? loadPage(applied, null) : null;
  }, [applied]);
  const [moreError, setMoreError] = useState<Error | null>(null);
  /** Which devices, which layout and which time zone an export uses. */
  const [choice, setChoice] = useState<ExportChoice>(NO_CHOICE);

  const set = <K extends keyof Filters>(key: K, value: Filters[K]) => setForm((f) => ({ ...f, [key]: value }));
  const all = first.data ? [first.data, ...pages] : [];
  const last = all[all.length - 1];
  const units = new Map((detail.data?.points ?? []).map((p) => [p.name, p.unit]));
  const many = form.table === 'data' && choice.by !== 'one';
  const needDevice = form.table === 'data' && !form.device;
  const selection = exportQuery(form.table, choice, form.device);
  const exportHref = (format: 'csv' | 'xlsx') =>
    apiUrl(`/api/export/${form.table}`, {
      format,
      ...filterQuery(form),
      device: form.device || undefined,
      lang: form.table === 'data' ? getLang() : undefined,
      ...(selection ?? {}),
    });
  const title = only === 'connections' ? t('connections.title') : t('data.title');

  return (
    <>
      <h1>{title}</h1>
      <form
        class="filters"
        aria-label={title}
        onSubmit={(e) => {
          e.preventDefault();
          setApplied({ ...form });
        }}
      >
        {!only && (
          <>
            <div class="field">
              <label for="data-table">{t('data.table')}</label>
              <select
                id="data-table"
                value={form.table}
                onChange={(e) => set('table', e.currentTarget.value as TableName)}
              >
                {(['data', 'connections', 'packets'] as TableName[]).map((name) => (
                  <option value={name} key={name}>
                    {t(`data.tables.${name}`)}
                  </option>
                ))}
              </select>
            </div>
          </>
        )}
        {form.table === 'data' && <ExportChoices value={choice} onChange={setChoice} />}
        <div class="field" hidden={many}>
          <label for="data-device">{t('data.device')}</label>
          <input
            id="data-device"
            list="data-device-ids"
            value={form.device}
            required={form.table === 'data' && !many}
            placeholder={form.table === 'data' ? '' : t('data.anyDevice')}
            onChange={(e) => setForm((f) => ({ ...f, device: e.currentTarget.value, point: '' }))}
          />
        </div>
        <datalist id="data-device-ids">
          {(devices.data?.items ?? []).map((d) => (
            <option value={d.registrationId} key={d.registrationId} />
          ))}
        </datalist>
        {form.table === 'data' && (
          <>
            <div class="field">
              <label for="data-point">{t('data.point')}</label>
              <select id="data-point" value={form.point} onChange={(e) => set('point', e.currentTarget.value)}>
                <option value="">{t('data.anyPoint')}</option>
                {(detail.data?.points ?? []).map((p) => (
                  <option value={p.name} key={p.name}>
                    {pointOption(p, getLang())}
                  </option>
                ))}
              </select>
            </div>
          </>
        )}
        {form.table === 'packets' && (
          <>
            <div class="field">
              <label for="data-kind">{t('data.kind')}</label>
              <select id="data-kind" value={form.kind} onChange={(e) => set('kind', e.currentTarget.value)}>
                <option value="">{t('data.anyKind')}</option>
                {KINDS.map((k) => (
                  <option value={k} key={k}>
                    {tMaybe('kind', k)}
                  </option>
                ))}
              </select>
            </div>
          </>
        )}
        <div class="field">
          <label for="data-from">{t('data.from')}</label>
          <DateTimeInput id="data-from" value={form.from} onChange={(text) => set('from', text)} />
        </div>
        <div class="field">
          <label for="data-to">{t('data.to')}</label>
          <DateTimeInput id="data-to" value={form.to} onChange={(text) => set('to', text)} />
        </div>
        <div class="field">
          <label for="data-limit">{t('data.limit')}</label>
          <select
            id="data-limit"
            value={String(form.limit)}
            onChange={(e) => set('limit', Number(e.currentTarget.value))}
          >
            {[50, 100, 500, 1000].map((n) => (
              <option value={String(n)} key={n}>
                {n}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="primary" disabled={needDevice}>
          {t('data.query')}
        </button>
      </form>
      <div class="export-bar">
        {(many ? selection === null : needDevice) ? (
          <p class="muted">{t(many ? 'fleetExport.needSelection' : 'data.needDevice')}</p>
        ) : (
          <>
            <a class="button" href={exportHref('csv')} download data-testid="export-csv">
              {t('data.exportCsv')}
            </a>
            <a class="button" href={exportHref('xlsx')} download data-testid="export-xlsx">
              {t('data.exportXlsx')}
            </a>
            <span class="muted small">{t('fleetExport.hint')}</span>
          </>
        )}
      </div>
      <p class="muted small">{`${t('col.time')}: ${timeZone()}`}</p>
      {many && <p class="muted small">{t('fleetExport.browseOne')}</p>}
      <ErrorNote error={first.error ?? moreError} />
      {all.length > 0 && (
        <>
          <p class="muted" aria-live="polite">
            {t('data.rows', { count: all.reduce((n, p) => n + p.rows.items.length, 0) })}
          </p>
          <ResultTable pages={all} units={units} points={detail.data?.points ?? []} />
          {last?.more && (
            <button
              type="button"
              onClick={() =>
                applied &&
                void loadPage(applied, last.more).then(
                  (page) => setPages((p) => [...p, page]),
                  (err: Error) => setMoreError(err),
                )
              }
            >
              {t('loadMore')}
            </button>
          )}
        </>
      )}
    </>
  );
}

function ResultTable({
  pages,
  units,
  points,
}: {
  pages: Page[];
  units: Map<string, string | null>;
  points: PointInfo[];
}) {
  const byName = new Map(points.map((p) => [p.name, p]));
  const kind = pages[0]!.rows.table;
  if (kind === 'connections') return <ConnectionTable rows={pages.flatMap((p) => p.rows.items as ConnectionRow[])} />;
  if (kind === 'packets') return <PacketTable rows={pages.flatMap((p) => p.rows.items as PacketRow[])} />;
  const rows = pages.flatMap((p) => p.rows.items as Sample[]);
  if (rows.length === 0) return <p class="muted">{t('data.empty')}</p>;
  return (
    <TableWrap label={t('data.tables.data')}>
      <table class="data-rows">
        <Head cols={[t('col.time'), t('col.point'), t('col.value'), t('col.slave'), t('col.address_'), t('col.raw')]} />
        <tbody>
          {rows.map((s) => (
            <tr key={`${s.ts}-${s.point}`}>
              <td>
                <Time at={s.ts} ms />
              </td>
              <td title={s.point}>{pointTitle(byName.get(s.point), s.point, getLang())}</td>
              <td class="value">{formatValue(s.value, s.text, units.get(s.point))}</td>
              <td>{s.slave}</td>
              <td>{s.address}</td>
              <td>
                <code>{s.raw}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
