// The fleet filters the dashboard, the fleet table and the data export share: status, group
// and tag, with the groups and tags the registry uses offered as choices.
import { get } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import type { DeviceList } from '../lib/types.js';
import { useLoad } from '../lib/use-load.js';

export interface FleetFilterState {
  readonly status: '' | 'online' | 'offline';
  readonly group: string;
  readonly tag: string;
}

export const NO_FILTER: FleetFilterState = { status: '', group: '', tag: '' };

/** Groups and tags in use, from one page of the device list (the registry's own values). */
export function useFleetLabels(): { groups: string[]; tags: string[] } {
  const list = useLoad(() => get<DeviceList>('/api/devices', { limit: 1000 }), []);
  const groups = new Set<string>();
  const tags = new Set<string>();
  for (const d of list.data?.items ?? []) {
    if (d.group) groups.add(d.group);
    for (const tag of d.tags) tags.add(tag);
  }
  return { groups: [...groups].sort(), tags: [...tags].sort() };
}

export function FleetFilters({
  idPrefix,
  value,
  onChange,
  withStatus = true,
}: {
  idPrefix: string;
  value: FleetFilterState;
  onChange: (next: FleetFilterState) => void;
  withStatus?: boolean;
}) {
  const { groups, tags } = useFleetLabels();
  return (
    <>
      {withStatus && (
        <div class="field">
          <label for={`${idPrefix}-status`}>{t('fleet.status')}</label>
          <select
            id={`${idPrefix}-status`}
            value={value.status}
            onChange={(e) => onChange({ ...value, status: e.currentTarget.value as FleetFilterState['status'] })}
          >
            <option value="">{t('fleet.anyStatus')}</option>
            <option value="online">{t('status.online')}</option>
            <option value="offline">{t('status.offline')}</option>
          </select>
        </div>
      )}
      <ChoiceSelect
        id={`${idPrefix}-group`}
        label={t('fleet.group')}
        anyLabel={t('fleet.anyGroup')}
        value={value.group}
        choices={groups}
        onChange={(group) => onChange({ ...value, group })}
      />
      <ChoiceSelect
        id={`${idPrefix}-tag`}
        label={t('fleet.tag')}
        anyLabel={t('fleet.anyTag')}
        value={value.tag}
        choices={tags}
        onChange={(tag) => onChange({ ...value, tag })}
      />
    </>
  );
}

/** A labelled choice of one of `choices`, or none (`anyLabel`, the empty value). */
export function ChoiceSelect({
  id,
  label,
  anyLabel,
  value,
  choices,
  onChange,
}: {
  id: string;
  label: string;
  anyLabel: string;
  value: string;
  choices: readonly string[];
  onChange: (value: string) => void;
}) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">{anyLabel}</option>
        {choices.map((c) => (
          <option value={c} key={c}>
            {c}
          </option>
        ))}
      </select>
    </div>
  );
}

/** "No device matches." or "12 devices" above a fleet list. */
export function FleetCount({ total }: { total: number }) {
  return total === 0 ? (
    <p class="muted">{t('fleet.noDevices')}</p>
  ) : (
    <p class="muted small" aria-live="polite">
      {t('fleet.count', { count: total })}
    </p>
  );
}

/** A pager for server-side pages: previous, "page n of m", next. */
export function Pager({
  label,
  offset,
  limit,
  total,
  onOffset,
}: {
  label: string;
  offset: number;
  limit: number;
  total: number;
  onOffset: (offset: number) => void;
}) {
  const pages = Math.max(1, Math.ceil(total / limit));
  if (pages === 1) return null;
  return (
    <nav class="pager" aria-label={label}>
      <button type="button" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - limit))}>
        {t('fleet.previous')}
      </button>
      <span class="muted">{t('fleet.page', { page: Math.floor(offset / limit) + 1, pages })}</span>
      <button type="button" disabled={offset + limit >= total} onClick={() => onOffset(offset + limit)}>
        {t('fleet.next')}
      </button>
    </nav>
  );
}
