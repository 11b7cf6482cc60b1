// A device's registry fields (name, location, tags, …) as a form for operators, with the
// enable/disable switch. Fields points.yml sets are shown read-only: points.yml wins there.
import { useState } from 'preact/hooks';
import { deviceIdPath, patch, remove } from '../lib/api.js';
import { t, type MessageKey } from '../lib/i18n.js';
import { navigate } from '../lib/router.js';
import type { DeviceDetail, Me } from '../lib/types.js';
import { ErrorNote, Section } from '../components/bits.js';

type TextField =
  'name' | 'description' | 'location' | 'latitude' | 'longitude' | 'tags' | 'group' | 'profileOverride' | 'notes';
const FIELDS: readonly TextField[] = ['name', 'location', 'latitude', 'longitude', 'group', 'tags', 'profileOverride'];

function initial(device: DeviceDetail): Record<TextField, string> {
  return {
    name: device.name ?? '',
    description: device.description ?? '',
    location: device.location ?? '',
    latitude: device.latitude === null ? '' : String(device.latitude),
    longitude: device.longitude === null ? '' : String(device.longitude),
    tags: device.tags.join(', '),
    group: device.group ?? '',
    profileOverride: device.profileOverride ?? '',
    notes: device.notes ?? '',
  };
}

/** The PATCH body for the form's values, leaving out what points.yml sets. */
export function registryBody(
  values: Record<TextField, string>,
  fromConfig: readonly string[],
): Record<string, unknown> {
  const text = (v: string) => (v.trim() === '' ? null : v.trim());
  const number = (v: string) => (v.trim() === '' ? null : Number(v));
  const body: Record<string, unknown> = {
    name: text(values.name),
    description: text(values.description),
    location: text(values.location),
    latitude: number(values.latitude),
    longitude: number(values.longitude),
    tags: values.tags
      .split(/[,;]/)
      .map((tag) => tag.trim())
      .filter(Boolean),
    group: text(values.group),
    profileOverride: text(values.profileOverride),
    notes: text(values.notes),
  };
  for (const field of fromConfig) delete body[field];
  return body;
}

export function RegistryForm({ device, me, onSaved }: { device: DeviceDetail; me: Me; onSaved: () => void }) {
  const [values, setValues] = useState(() => initial(device));
  const [error, setError] = useState<Error | null>(null);
  const [saved, setSaved] = useState(false);
  const canEdit = me.role === 'operator' || me.role === 'admin';
  const path = `/api/devices/${deviceIdPath(device.registrationId)}`;

  const send = async (body: Record<string, unknown>) => {
    setError(null);
    setSaved(false);
    try {
      await patch(path, body);
      setSaved(true);
      onSaved();
    } catch (err) {
      setError(err as Error);
    }
  };
  const field = (key: TextField, multiline = false) => {
    const readOnly = !canEdit || device.setByConfig.includes(key as 'name' | 'profileOverride');
    const props = {
      id: `registry-${key}`,
      value: values[key],
      readOnly,
      title: readOnly && canEdit ? t('registry.fromConfig') : undefined,
      onInput: (e: { currentTarget: { value: string } }) => setValues({ ...values, [key]: e.currentTarget.value }),
    };
    return (
      <div class="field" key={key}>
        <label for={props.id}>{t(`registry.${key}` as MessageKey)}</label>
        {multiline ? <textarea rows={3} {...props} /> : <input type="text" {...props} />}
        {device.setByConfig.includes(key as 'name' | 'profileOverride') && (
          <span class="muted small">{t('registry.fromConfig')}</span>
        )}
      </div>
    );
  };

  return (
    <Section
      title={t('registry.title')}
      id="registry"
      actions={
        canEdit && (
          <>
            <button type="button" onClick={() => void send({ enabled: !device.enabled })}>
              {device.enabled ? t('registry.disable') : t('registry.enable')}
            </button>
            {me.role === 'admin' && (
              <button
                type="button"
                onClick={() => {
                  if (!window.confirm(t('registry.deleteConfirm', { id: device.registrationId }))) return;
                  remove(path).then(() => navigate('/devices'), setError);
                }}
              >
                {t('registry.delete')}
              </button>
            )}
          </>
        )
      }
    >
      {!device.enabled && <p class="note note-warn">{t('registry.disabled')}</p>}
      {!canEdit && <p class="muted">{t('registry.operatorOnly')}</p>}
      <form
        class="registry-form"
        onSubmit={(e) => {
          e.preventDefault();
          void send(registryBody(values, device.setByConfig));
        }}
      >
        <div class="filters">{FIELDS.map((key) => field(key))}</div>
        <div class="filters">
          {field('description', true)}
          {field('notes', true)}
        </div>
        {canEdit && (
          <button type="submit" class="primary">
            {t('registry.save')}
          </button>
        )}
        {saved && (
          <span class="muted" role="status">
            {' '}
            {t('registry.saved')}
          </span>
        )}
      </form>
      <ErrorNote error={error} />
    </Section>
  );
}
