// Webhook endpoints with their queues (everyone), a "Send test" per endpoint, the delivery
// log and dead letters with Retry (operators and admins: the API refuses viewers).
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { get, post } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import type { Delivery, DeliveryStats, Me, TimeNext, WebhookEndpoint, WebhookTestResult } from '../lib/types.js';
import { useLoad } from '../lib/use-load.js';
import { ErrorNote, Head, ListTable, RefreshButton, Section, TableWrap, Time } from '../components/bits.js';
import { NotifiersSection } from './notifiers-section.js';

const ROWS = 100;
const STATUSES = ['pending', 'delivered', 'dead'] as const;

type Note = { tone: 'ok' | 'error'; text: string } | null;

export function WebhooksPage({ me }: { me: Me }) {
  const operator = me.role !== 'viewer';
  const [note, setNote] = useState<Note>(null);
  const [changed, setChanged] = useState(0);
  const endpoints = useLoad(() => get<{ items: WebhookEndpoint[]; stats: DeliveryStats }>('/api/webhooks'), [changed]);

  const sendTest = async (name: string) => {
    setNote(null);
    try {
      const { result } = await post<{ result: WebhookTestResult }>(`/api/webhooks/${encodeURIComponent(name)}/test`);
      setNote(
        result.ok
          ? { tone: 'ok', text: t('webhooks.testOk', { name, status: result.status ?? '', ms: result.latencyMs }) }
          : {
              tone: 'error',
              text: t('webhooks.testFailed', {
                name,
                reason: result.status !== null ? `HTTP ${result.status}` : (result.error ?? ''),
                ms: result.latencyMs,
              }),
            },
      );
    } catch (err) {
      setNote({ tone: 'error', text: t('error', { message: err instanceof Error ? err.message : String(err) }) });
    }
  };

  const stats = endpoints.data?.stats;
  const items = endpoints.data?.items ?? [];
  return (
    <>
      <h1>{t('webhooks.title')}</h1>
      {!operator && <p class="note">{t('webhooks.operatorsOnly')}</p>}
      <ErrorNote error={endpoints.error} />
      {note && (
        <p class={`note note-${note.tone}`} role="status" data-test-result={note.tone}>
          {note.text}
        </p>
      )}
      <Section title={t('webhooks.endpoints')} id="endpoints" actions={<RefreshButton onClick={endpoints.reload} />}>
        {stats && (
          <p class="muted small">
            {t('webhooks.stats', {
              delivered: stats.delivered,
              failed: stats.failedAttempts,
              dead: stats.dead,
              queued: stats.queued,
            })}
          </p>
        )}
        <ListTable
          label={t('webhooks.endpoints')}
          empty={!!endpoints.data && items.length === 0}
          emptyText={t('webhooks.none')}
          cols={[
            t('col.name'),
            t('webhooks.url'),
            t('webhooks.method'),
            t('webhooks.enabled'),
            t('webhooks.secrets'),
            t('webhooks.queue'),
            operator && t('col.actions'),
          ]}
        >
          {items.map((e) => (
            <tr key={e.name} data-endpoint={e.name}>
              <th scope="row">{e.name}</th>
              <td>
                <code>{e.url}</code>
              </td>
              <td>{e.method}</td>
              <td>{e.enabled ? t('webhooks.yes') : t('webhooks.no')}</td>
              <td>{e.secrets}</td>
              <td>{`${e.queued} / ${e.inFlight}`}</td>
              {operator && (
                <td class="actions">
                  <button type="button" onClick={() => void sendTest(e.name)}>
                    {t('webhooks.sendTest')}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </ListTable>
      </Section>
      <NotifiersSection />
      {operator && (
        <>
          <DeadLetters
            changed={changed}
            onRetried={(id) => {
              setNote({ tone: 'ok', text: t('webhooks.retried', { id }) });
              setChanged((n) => n + 1);
            }}
            onError={(message) => setNote({ tone: 'error', text: t('error', { message }) })}
          />
          <DeliveryLog changed={changed} />
        </>
      )}
    </>
  );
}

function DeadLetters({
  changed,
  onRetried,
  onError,
}: {
  changed: number;
  onRetried: (id: string) => void;
  onError: (message: string) => void;
}) {
  const dead = useLoad(
    () => get<{ items: Delivery[]; next: TimeNext }>('/api/webhooks/dead-letters', { limit: ROWS }),
    [changed],
  );
  const [busy, setBusy] = useState<string | null>(null);
  const retry = async (id: string) => {
    setBusy(id);
    try {
      await post(`/api/webhooks/deliveries/${encodeURIComponent(id)}/retry`);
      onRetried(id);
    } catch (err) {
      onError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  };
  const rows = dead.data?.items ?? [];
  return (
    <Section title={t('webhooks.deadLetters')} id="dead-letters" actions={<RefreshButton onClick={dead.reload} />}>
      <ErrorNote error={dead.error} />
      {dead.data && rows.length === 0 ? (
        <p class="muted">{t('webhooks.noDeadLetters')}</p>
      ) : (
        <DeliveryTable
          rows={rows}
          action={(d) => (
            <button type="button" disabled={busy !== null} onClick={() => void retry(d.id)}>
              {t('webhooks.retry')}
            </button>
          )}
        />
      )}
    </Section>
  );
}

function DeliveryLog({ changed }: { changed: number }) {
  const [status, setStatus] = useState('');
  const log = useLoad(
    () =>
      get<{ items: Delivery[]; next: TimeNext }>('/api/webhooks/deliveries', {
        limit: ROWS,
        status: status || undefined,
      }),
    [status, changed],
  );
  const filter = (
    <>
      <label for="deliveries-status" class="sr-only">
        {t('webhooks.statusFilter')}
      </label>
      <select id="deliveries-status" value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
        <option value="">{t('webhooks.anyStatus')}</option>
        {STATUSES.map((s) => (
          <option value={s} key={s}>
            {t(`deliveryStatus.${s}`)}
          </option>
        ))}
      </select>
      <RefreshButton onClick={log.reload} />
    </>
  );
  const rows = log.data?.items ?? [];
  return (
    <Section title={t('webhooks.deliveries')} id="deliveries" actions={filter}>
      <ErrorNote error={log.error} />
      {log.data && rows.length === 0 ? <p class="muted">{t('data.empty')}</p> : <DeliveryTable rows={rows} />}
    </Section>
  );
}

function DeliveryTable({ rows, action }: { rows: Delivery[]; action?: (d: Delivery) => ComponentChildren }) {
  return (
    <TableWrap label={t('webhooks.deliveries')}>
      <table>
        <Head
          cols={[
            t('webhooks.created'),
            t('events.type'),
            t('col.device'),
            t('webhooks.endpoint'),
            t('events.rule'),
            t('webhooks.deliveryStatus'),
            t('webhooks.httpStatus'),
            t('webhooks.latency'),
            t('webhooks.attempts'),
            t('col.lastError'),
            action !== undefined && t('col.actions'),
          ]}
        />
        <tbody>
          {rows.map((d) => (
            <tr key={d.id} data-delivery={d.id} data-status={d.status}>
              <td>
                <Time at={d.createdAt} ms />
              </td>
              <td>{d.eventType}</td>
              <td>{d.registrationId ?? ''}</td>
              <td>{d.endpoint}</td>
              <td>{d.rule}</td>
              <td>
                <span
                  class={`badge badge-${d.status === 'delivered' ? 'online' : d.status === 'dead' ? 'error' : 'warn'}`}
                >
                  {t(`deliveryStatus.${d.status}`)}
                </span>
              </td>
              <td>{d.lastStatus ?? '—'}</td>
              <td>{d.lastLatencyMs !== null ? `${Math.round(d.lastLatencyMs)} ${t('units.ms')}` : '—'}</td>
              <td>{d.attempts}</td>
              <td>{d.lastError ?? ''}</td>
              {action && <td class="actions">{action(d)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
