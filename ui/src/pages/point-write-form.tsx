// A write by point name in the point's unit (issue 19): the server checks and encodes the
// value first (a dry run), the operator confirms with the value, unit and the exact
// registers in front of them, then the write is sent and the point read back at once.
import { useState } from 'preact/hooks';
import type { PointWriteResult, WritablePoint } from '../../../src/web/api-types.js';
import { ApiError, deviceIdPath, get, post } from '../lib/api.js';
import { formatNumber, formatTime } from '../lib/format.js';
import { t } from '../lib/i18n.js';
import { useLoad } from '../lib/use-load.js';
import { Section } from '../components/bits.js';

const withUnit = (value: number | boolean, unit: string | null) =>
  typeof value === 'boolean' ? String(value) : unit ? `${formatNumber(value, 6)} ${unit}` : formatNumber(value, 6);

const hexWord = (w: number) => `0x${w.toString(16).toUpperCase().padStart(4, '0')}`;

/** Coils take true/false, on/off or 1/0; every other point a decimal number. */
function parseValue(point: WritablePoint, text: string): number | boolean | null {
  const word = text.trim();
  if (point.type === 'bool') {
    if (/^(1|true|on)$/i.test(word)) return true;
    if (/^(0|false|off)$/i.test(word)) return false;
    return null;
  }
  const n = word === '' ? NaN : Number(word.replace(',', '.'));
  return Number.isFinite(n) ? n : null;
}

export function PointWriteForm({ deviceId, disabled }: { deviceId: string; disabled: boolean }) {
  const base = `/api/devices/${deviceIdPath(deviceId)}`;
  const loaded = useLoad(() => get<{ items: WritablePoint[] }>(`${base}/writable-points`), [deviceId]);
  const points = (loaded.data?.items ?? []).filter((p) => p.notWritable === null);
  const [name, setName] = useState('');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [planned, setPlanned] = useState<PointWriteResult | null>(null);
  const [done, setDone] = useState<PointWriteResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  if (loaded.data && points.length === 0) {
    return (
      <Section title={t('pointWrite.title')} id="write-point">
        <p class="note">{t('pointWrite.noPoints')}</p>
      </Section>
    );
  }
  const point = points.find((p) => p.name === name) ?? points[0];

  const send = async (dryRun: boolean) => {
    if (!point) return;
    const value = parseValue(point, text);
    if (value === null) return setError(t('pointWrite.notNumber'));
    setBusy(true);
    setError(null);
    try {
      const path = `${base}/points/${encodeURIComponent(point.name)}/write`;
      const result = await post<PointWriteResult>(path, { value, dryRun });
      if (dryRun) {
        setPlanned(result);
        setDone(null);
      } else {
        setPlanned(null);
        setDone(result);
      }
    } catch (err) {
      setPlanned(null);
      setError(err instanceof ApiError ? `${err.message} (${err.code})` : String(err));
    } finally {
      setBusy(false);
    }
  };

  const limits =
    point && (point.min !== null || point.max !== null)
      ? t('pointWrite.limits', { min: point.min ?? '−∞', max: point.max ?? '∞' })
      : null;
  return (
    <Section title={t('pointWrite.title')} id="write-point">
      <p class="muted">{t('pointWrite.intro')}</p>
      <form
        class="write-form"
        onSubmit={(e) => {
          e.preventDefault();
          void send(true);
        }}
      >
        <fieldset disabled={disabled || busy || !point}>
          <legend class="sr-only">{t('pointWrite.title')}</legend>
          <div class="field">
            <label for="point-write-point">{t('pointWrite.point')}</label>
            <select
              id="point-write-point"
              value={point?.name ?? ''}
              onChange={(e) => {
                setName(e.currentTarget.value);
                setPlanned(null);
              }}
            >
              {points.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.unit ? `${p.name} (${p.unit})` : p.name}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="point-write-value">
              {t('pointWrite.newValue')}
              {point?.unit ? ` (${point.unit})` : ''}
            </label>
            <input
              id="point-write-value"
              inputMode={point?.type === 'bool' ? 'text' : 'decimal'}
              required
              value={text}
              onInput={(e) => {
                setText(e.currentTarget.value);
                setPlanned(null);
              }}
            />
          </div>
          <button type="submit">{t('pointWrite.preview')}</button>
        </fieldset>
        {limits && <p class="muted">{limits}</p>}
      </form>
      {planned && (
        <div
          class="confirm-box"
          role="dialog"
          aria-labelledby="point-write-confirm-title"
          data-testid="point-write-confirm"
        >
          <h3 id="point-write-confirm-title">{t('pointWrite.confirmTitle')}</h3>
          <p>
            {t('pointWrite.confirmText', {
              value: withUnit(planned.value, planned.unit),
              point: planned.point,
              device: deviceId,
            })}
          </p>
          <p class="mono wrap-anywhere">
            {planned.plc
              ? t('pointWrite.plc', {
                  address: planned.plc.address,
                  type: planned.plc.type,
                  value: String(planned.plc.value),
                })
              : t('pointWrite.registers', {
                  slave: planned.slave ?? 0,
                  fn: String(planned.fn ?? 0).padStart(2, '0'),
                  address: planned.address ?? 0,
                  registers: planned.registers.map((w) => `${w} (${hexWord(w)})`).join(', '),
                })}
          </p>
          <p>{t('pointWrite.stored', { stored: withUnit(planned.stored, planned.unit) })}</p>
          <div class="actions">
            <button type="button" class="primary" disabled={busy} onClick={() => void send(false)}>
              {t('pointWrite.confirm')}
            </button>
            <button type="button" onClick={() => setPlanned(null)}>
              {t('pointWrite.cancel')}
            </button>
          </div>
        </div>
      )}
      {error && (
        <p class="note note-error" role="alert">
          {error}
        </p>
      )}
      {done && (
        <dl class="write-result" aria-live="polite">
          <div>
            <dt>{t('pointWrite.written')}</dt>
            <dd data-testid="point-write-written">
              {withUnit(done.stored, done.unit)}
              {done.at !== undefined && <span class="muted"> · {formatTime(done.at, true)}</span>}
            </dd>
          </div>
          <div>
            <dt>{t('pointWrite.readBack')}</dt>
            <dd data-testid="point-write-readback">
              {!done.readBack
                ? '—'
                : 'error' in done.readBack
                  ? t('pointWrite.readBackFailed', { error: done.readBack.error })
                  : done.readBack.value === null
                    ? '—'
                    : withUnit(done.readBack.value, done.unit)}
            </dd>
          </div>
        </dl>
      )}
    </Section>
  );
}
