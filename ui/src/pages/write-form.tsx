// Modbus writes (functions 05/06/15/16) through the device's request queue: by point name in
// engineering units (point-write-form.tsx) and as raw registers. Only operators and admins
// see the forms; the server refuses everybody else anyway (403).
import { useState } from 'preact/hooks';
import { ApiError, deviceIdPath, post } from '../lib/api.js';
import { formatTime } from '../lib/format.js';
import { t } from '../lib/i18n.js';
import type { DeviceDetail, Me } from '../lib/types.js';
import { Section } from '../components/bits.js';
import { isProblem, writeBody, type WriteFn as Fn } from '../lib/write-body.js';
import { PointWriteForm } from './point-write-form.js';

const WRITABLE_CHANNELS = new Set(['rtu-over-tcp', 'modbus-tcp']);

export function WriteForm({ device, me }: { device: DeviceDetail; me: Me }) {
  const firstSlave = device.points[0]?.slave ?? device.slaves[0]?.slave ?? 1;
  const [slave, setSlave] = useState(String(firstSlave));
  const [fn, setFn] = useState<Fn>(6);
  const [address, setAddress] = useState('0');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; message: string } | null>(null);

  const allowed = me.role === 'operator' || me.role === 'admin';
  if (!allowed) {
    return (
      <Section title={t('write.title')} id="write">
        <p class="note" data-testid="write-refused">
          {t('write.needsOperator')}
        </p>
      </Section>
    );
  }

  const submit = async (event: Event) => {
    event.preventDefault();
    const body = writeBody(fn, Number(slave), Number(address), text);
    if (isProblem(body)) {
      const { problem, ...params } = body;
      setResult({ ok: false, message: t(`write.problem.${problem}`, params) });
      return;
    }
    setBusy(true);
    setResult(null);
    try {
      const { at } = await post<{ result: string; at: number }>(
        `/api/devices/${deviceIdPath(device.registrationId)}/write`,
        body,
      );
      setResult({ ok: true, message: t('write.ok', { time: formatTime(at, true) }) });
    } catch (err) {
      setResult({ ok: false, message: err instanceof ApiError ? `${err.message} (${err.code})` : String(err) });
    } finally {
      setBusy(false);
    }
  };

  // Writes go through a Modbus request queue: a DTU session's (an RTU-over-TCP channel runs
  // its link as one) or a Modbus TCP channel's. MQTT, HTTP and OPC UA channels have none.
  const viaChannel =
    device.via?.kind === 'channel' && !WRITABLE_CHANNELS.has(device.via.type) ? device.via.channel : null;
  const offline = device.status !== 'online' || viaChannel !== null;
  const many = fn === 15 || fn === 16;
  return (
    <>
      <PointWriteForm deviceId={device.registrationId} disabled={offline} />
      <Section title={t('write.title')} id="write">
        {viaChannel !== null ? (
          <p class="note note-warn">{t('write.viaChannel', { channel: viaChannel })}</p>
        ) : (
          offline && <p class="note note-warn">{t('write.offline')}</p>
        )}
        <form class="write-form" onSubmit={(e) => void submit(e)}>
          <fieldset disabled={offline || busy}>
            <legend class="sr-only">{t('write.title')}</legend>
            <div class="field">
              <label for="write-slave">{t('col.slave')}</label>
              <input
                id="write-slave"
                type="number"
                min={0}
                max={247}
                required
                value={slave}
                onInput={(e) => setSlave(e.currentTarget.value)}
              />
            </div>
            <div class="field">
              <label for="write-fn">{t('write.fn')}</label>
              <select id="write-fn" value={String(fn)} onChange={(e) => setFn(Number(e.currentTarget.value) as Fn)}>
                <option value="6">{t('write.fn6')}</option>
                <option value="16">{t('write.fn16')}</option>
                <option value="5">{t('write.fn5')}</option>
                <option value="15">{t('write.fn15')}</option>
              </select>
            </div>
            <div class="field">
              <label for="write-address">{t('col.address_')}</label>
              <input
                id="write-address"
                type="number"
                min={0}
                max={65535}
                required
                value={address}
                onInput={(e) => setAddress(e.currentTarget.value)}
              />
            </div>
            <div class="field">
              <label for="write-values">{many ? t('write.values') : t('write.value')}</label>
              <input
                id="write-values"
                required
                value={text}
                placeholder={fn === 5 || fn === 15 ? t('write.coilHint') : '0–65535'}
                onInput={(e) => setText(e.currentTarget.value)}
              />
            </div>
            <button type="submit" class="primary">
              {busy ? t('write.busy') : t('write.submit')}
            </button>
          </fieldset>
        </form>
        {result && (
          <p class={`note ${result.ok ? 'note-ok' : 'note-error'}`} role="status">
            {result.message}
          </p>
        )}
      </Section>
    </>
  );
}
