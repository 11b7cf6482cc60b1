// The alarm list (GET /api/alarms): filter by state, severity, device, rule and time,
// newest first, page by page; operators select alarms and acknowledge them with a comment
// (POST /api/alarms/acknowledge). Refreshed when the open alarms change (lib/alarms.ts): the
// page follows the live feed's `fleet` topic for its `alarms` frames, so a change shows at
// once; lib/alarms.ts polls every 15 s only while the feed is down.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { post, get, type Query } from '../lib/api.js';
import { openAlarms, SEVERITY_ORDER, useOpenAlarms } from '../lib/alarms.js';
import { t } from '../lib/i18n.js';
import { useLiveTopic } from '../lib/live.js';
import { devicePath, useLocation } from '../lib/router.js';
import type { AckResult, Alarm, AlarmPage, Me } from '../lib/types.js';
import { useLoad } from '../lib/use-load.js';
import { ErrorNote, ListTable, Time } from '../components/bits.js';
import { presetRange, RangePicker, type TimeRange } from '../components/range-picker.js';

const PAGE = 50;
const STATES = ['open', 'active', 'unacknowledged', 'cleared', 'acknowledged', 'closed', ''] as const;

interface Filters {
  state: string;
  severity: string;
  device: string;
  rule: string;
  range: TimeRange | null;
}

function alarmsQuery(f: Filters, offset: number): Query {
  return {
    state: f.state || undefined,
    severity: f.severity || undefined,
    device: f.device.trim() || undefined,
    rule: f.rule.trim() || undefined,
    from: f.range?.from,
    to: f.range?.key === 'custom' ? f.range.to : undefined,
    limit: PAGE,
    offset: offset || undefined,
  };
}

/** What an alarm is now, in words: active / cleared, and acknowledged or not. */
function stateOf(a: Alarm): string {
  const cleared = a.clearedAt !== null;
  const acked = a.ackedAt !== null;
  if (cleared && acked) return t('alarms.state.closed');
  if (cleared) return t('alarms.state.clearedUnacked');
  return acked ? t('alarms.state.activeAcked') : t('alarms.state.activeUnacked');
}

export function AlarmsPage({ me }: { me: Me }) {
  const { query } = useLocation();
  const initial: Filters = {
    state: query.get('state') ?? 'open',
    severity: query.get('severity') ?? '',
    device: query.get('device') ?? '',
    rule: query.get('rule') ?? '',
    range: null,
  };
  const [form, setForm] = useState<Filters>(initial);
  const [applied, setApplied] = useState<Filters>(initial);
  const [offset, setOffset] = useState(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [comment, setComment] = useState('');
  const [ackError, setAckError] = useState<Error | null>(null);
  const [notice, setNotice] = useState('');
  const page = useLoad(() => get<AlarmPage>('/api/alarms', alarmsQuery(applied, offset)), [applied, offset]);
  const open = useOpenAlarms();
  // Only for the `alarms` frames (handled in live.ts); the fleet's other frames are not shown here.
  useLiveTopic('fleet', () => undefined);
  // Reload when an open alarm changed (raised, cleared, acknowledged elsewhere), not on every refresh.
  const signature = useMemo(() => open.map((a) => `${a.id}:${a.updatedAt}`).join(','), [open]);
  useEffect(() => page.reload(), [signature]);
  const canAck = me.role === 'operator' || me.role === 'admin';
  const rows = page.data?.items ?? [];
  const ackable = rows.filter((a) => a.ackedAt === null);

  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };

  const acknowledge = async () => {
    setAckError(null);
    try {
      const result = await post<AckResult>('/api/alarms/acknowledge', { ids: [...selected], comment });
      setNotice(t('alarms.acknowledged', { n: result.acknowledged.length }));
      setSelected(new Set());
      setComment('');
      openAlarms.changed();
      page.reload();
    } catch (err) {
      setAckError(err instanceof Error ? err : new Error(String(err)));
    }
  };

  return (
    <>
      <h1>{t('alarms.title')}</h1>
      <p class="muted">{t('alarms.intro')}</p>
      <form
        class="filters"
        aria-label={t('alarms.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          setOffset(0);
          setSelected(new Set());
          setApplied({ ...form });
        }}
      >
        <div class="field">
          <label for="alarms-state">{t('alarms.stateFilter')}</label>
          <select
            id="alarms-state"
            value={form.state}
            onChange={(e) => setForm({ ...form, state: e.currentTarget.value })}
          >
            {STATES.map((s) => (
              <option value={s} key={s}>
                {t(`alarms.filter.${s || 'all'}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="alarms-severity">{t('alarms.severityFilter')}</label>
          <select
            id="alarms-severity"
            value={form.severity}
            onChange={(e) => setForm({ ...form, severity: e.currentTarget.value })}
          >
            <option value="">{t('alarms.anySeverity')}</option>
            {SEVERITY_ORDER.map((s) => (
              <option value={s} key={s}>
                {t(`alarms.severity.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="alarms-device">{t('col.device')}</label>
          <input
            id="alarms-device"
            value={form.device}
            placeholder={t('data.anyDevice')}
            onInput={(e) => setForm({ ...form, device: e.currentTarget.value })}
          />
        </div>
        <div class="field">
          <label for="alarms-rule">{t('alarms.rule')}</label>
          <input
            id="alarms-rule"
            value={form.rule}
            onInput={(e) => setForm({ ...form, rule: e.currentTarget.value })}
          />
        </div>
        <div class="field">
          <label>
            <input
              type="checkbox"
              checked={form.range !== null}
              onChange={(e) => setForm({ ...form, range: e.currentTarget.checked ? presetRange('24h') : null })}
            />{' '}
            {t('alarms.raisedWithin')}
          </label>
        </div>
        {form.range && (
          <RangePicker idPrefix="alarms" value={form.range} onChange={(range) => setForm({ ...form, range })} />
        )}
        <button type="submit">{t('apply')}</button>
      </form>
      <ErrorNote error={page.error ?? ackError} />
      {notice && (
        <p class="note note-ok" role="status">
          {notice}
        </p>
      )}
      {canAck && (
        <form
          class="filters alarm-ack"
          aria-label={t('alarms.acknowledge')}
          onSubmit={(e) => {
            e.preventDefault();
            void acknowledge();
          }}
        >
          <div class="field grow">
            <label for="alarms-comment">{t('alarms.comment')}</label>
            <input
              id="alarms-comment"
              value={comment}
              maxLength={1000}
              placeholder={t('alarms.commentHint')}
              onInput={(e) => setComment(e.currentTarget.value)}
            />
          </div>
          <button type="submit" disabled={selected.size === 0}>
            {t('alarms.acknowledgeSelected', { n: selected.size })}
          </button>
        </form>
      )}
      <ListTable
        label={t('alarms.title')}
        className="alarms-table"
        empty={!!page.data && rows.length === 0}
        emptyText={t('alarms.empty')}
        cols={[
          canAck && t('alarms.select'),
          t('alarms.severityFilter'),
          t('alarms.raisedAt'),
          t('col.device'),
          t('alarms.rule'),
          t('alarms.text'),
          t('col.value'),
          t('alarms.stateFilter'),
          t('alarms.acknowledgement'),
          t('alarms.clearedAt'),
        ]}
      >
        {rows.map((a) => (
          <tr
            key={a.id}
            data-alarm-id={a.id}
            data-rule={a.rule}
            class={a.clearedAt === null ? `in-alarm sev-${a.severity}` : ''}
          >
            {canAck && (
              <td>
                {a.ackedAt === null && (
                  <input
                    type="checkbox"
                    aria-label={t('alarms.selectOne', { rule: a.rule, device: a.registrationId ?? '' })}
                    checked={selected.has(a.id)}
                    onChange={() => toggle(a.id)}
                  />
                )}
              </td>
            )}
            <td>
              <span class={`badge sev-badge sev-${a.severity}`}>{t(`alarms.severity.${a.severity}`)}</span>
            </td>
            <td>
              <Time at={a.raisedAt} />
              {a.fireCount > 1 && <span class="muted"> ×{a.fireCount}</span>}
            </td>
            <td>{a.registrationId !== null ? <a href={devicePath(a.registrationId)}>{a.registrationId}</a> : ''}</td>
            <td>{a.rule}</td>
            <td>{a.text}</td>
            <td>{a.value ?? ''}</td>
            <td class="alarm-state">{stateOf(a)}</td>
            <td class="alarm-ack-cell">
              {a.ackedAt !== null && (
                <>
                  <span>{a.ackedBy}</span> <Time at={a.ackedAt} />
                  {a.ackComment && <div class="alarm-comment">{a.ackComment}</div>}
                </>
              )}
            </td>
            <td>
              {a.clearedAt !== null && (
                <>
                  <Time at={a.clearedAt} />
                  {a.clearValue !== null && <span class="muted"> ({a.clearValue})</span>}
                </>
              )}
            </td>
          </tr>
        ))}
      </ListTable>
      {canAck && ackable.length > 0 && (
        <button type="button" onClick={() => setSelected(new Set(ackable.map((a) => a.id)))}>
          {t('alarms.selectAll', { n: ackable.length })}
        </button>
      )}
      {page.data && (
        <p class="pager">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            {t('alarms.previous')}
          </button>{' '}
          <span class="muted">
            {t('alarms.range', {
              from: page.data.total === 0 ? 0 : offset + 1,
              to: offset + rows.length,
              total: page.data.total,
            })}
          </span>{' '}
          <button type="button" disabled={offset + PAGE >= page.data.total} onClick={() => setOffset(offset + PAGE)}>
            {t('alarms.next')}
          </button>
        </p>
      )}
    </>
  );
}
