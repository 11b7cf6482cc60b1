// The stored event log (GET /api/events): filter by type, device and time range, newest
// first, page by page. Each event is one sentence in the UI language (src/events/text); the
// raw payload stays behind a details toggle. Device IDs and payloads are shown as text.
import { useState } from 'preact/hooks';
import { get, type Query } from '../lib/api.js';
import { eventText, eventTypeWord } from '../../../src/events/text/event-text.js';
import { getLang, t } from '../lib/i18n.js';
import { devicePath } from '../lib/router.js';
import type { EventRow, TimeNext } from '../lib/types.js';
import { useLoad } from '../lib/use-load.js';
import { ErrorNote, ListTable, Time } from '../components/bits.js';
import { presetRange, RangePicker, type TimeRange } from '../components/range-picker.js';

const PAGE = 100;

interface Filters {
  type: string;
  device: string;
  range: TimeRange;
}

interface Page {
  items: EventRow[];
  next: TimeNext;
  /** The event catalogue, for the type filter. */
  types: string[];
}

function eventsQuery(f: Filters): Query {
  // A preset range ends "now" when applied, so the newest events are always included.
  const to = f.range.key === 'custom' ? f.range.to : undefined;
  return { type: f.type || undefined, device: f.device.trim() || undefined, from: f.range.from, to, limit: PAGE };
}

export function EventsPage() {
  const [form, setForm] = useState<Filters>({ type: '', device: '', range: presetRange('24h') });
  const [applied, setApplied] = useState<Filters>(form);
  const [more, setMore] = useState<Page[]>([]);
  const [moreError, setMoreError] = useState<Error | null>(null);
  const first = useLoad(() => {
    setMore([]);
    return get<Page>('/api/events', eventsQuery(applied));
  }, [applied]);
  const pages = first.data ? [first.data, ...more] : [];
  const rows = pages.flatMap((p) => p.items);
  const next = pages[pages.length - 1]?.next ?? null;

  const loadMore = async () => {
    if (!next) return;
    try {
      setMore([...more, await get<Page>('/api/events', { ...eventsQuery(applied), ...next })]);
    } catch (err) {
      setMoreError(err instanceof Error ? err : new Error(String(err)));
    }
  };

  return (
    <>
      <h1>{t('events.title')}</h1>
      <p class="muted">{t('events.intro')}</p>
      <form
        class="filters"
        aria-label={t('events.title')}
        onSubmit={(e) => {
          e.preventDefault();
          setApplied({ ...form, range: form.range.key === 'custom' ? form.range : presetRange(form.range.key) });
        }}
      >
        <div class="field">
          <label for="events-type">{t('events.type')}</label>
          <select
            id="events-type"
            value={form.type}
            onChange={(e) => setForm({ ...form, type: e.currentTarget.value })}
          >
            <option value="">{t('events.anyType')}</option>
            {(first.data?.types ?? []).map((type) => (
              <option value={type} key={type}>
                {eventTypeWord(type, getLang())}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="events-device">{t('data.device')}</label>
          <input
            id="events-device"
            value={form.device}
            placeholder={t('data.anyDevice')}
            onInput={(e) => setForm({ ...form, device: e.currentTarget.value })}
          />
        </div>
        <RangePicker idPrefix="events" value={form.range} onChange={(range) => setForm({ ...form, range })} />
        <button type="submit">{t('apply')}</button>
      </form>
      <ErrorNote error={first.error ?? moreError} />
      <ListTable
        label={t('events.title')}
        className="events-table"
        empty={!!first.data && rows.length === 0}
        emptyText={t('events.empty')}
        cols={[t('col.time'), t('events.type'), t('col.device'), t('events.rule'), t('eventText.what')]}
      >
        {rows.map((e) => (
          <tr key={e.id} data-event-type={e.type}>
            <td>
              <Time at={e.at} ms />
            </td>
            <td title={e.type}>{eventTypeWord(e.type, getLang())}</td>
            <td class="event-device">
              {e.registrationId !== null ? <a href={devicePath(e.registrationId)}>{e.registrationId}</a> : ''}
            </td>
            <td>{e.rule ?? ''}</td>
            <td class="event-text">
              {eventText(e, getLang())}
              <details class="event-details">
                <summary>{t('eventText.details')}</summary>
                <code>{JSON.stringify(e.payload)}</code>
              </details>
            </td>
          </tr>
        ))}
      </ListTable>
      {next && (
        <button type="button" onClick={() => void loadMore()}>
          {t('loadMore')}
        </button>
      )}
    </>
  );
}
