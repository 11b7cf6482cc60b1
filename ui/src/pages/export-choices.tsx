// What a point-value export covers and how it is laid out: one device (the browser's), a
// list of IDs, a group, a tag, a profile or every device; the long or the wide layout; the
// browser's time zone or UTC. exportQuery() turns the choice into the export API's query.
import { get, type Query } from '../lib/api.js';
import { timeZone } from '../lib/format.js';
import { t } from '../lib/i18n.js';
import type { FleetTableView } from '../lib/types.js';
import { useLoad } from '../lib/use-load.js';
import { ChoiceSelect, useFleetLabels } from '../components/fleet-filters.js';

const BY = ['one', 'list', 'group', 'tag', 'profile', 'all'] as const;
export type ExportBy = (typeof BY)[number];

export interface ExportChoice {
  readonly by: ExportBy;
  readonly ids: string;
  readonly group: string;
  readonly tag: string;
  readonly profile: string;
  readonly layout: 'long' | 'wide';
  readonly zone: 'local' | 'utc';
}

export const NO_CHOICE: ExportChoice = {
  by: 'one',
  ids: '',
  group: '',
  tag: '',
  profile: '',
  layout: 'long',
  zone: 'local',
};

/** The query for /api/export/:table; null while the choice names no device yet. */
export function exportQuery(table: string, c: ExportChoice, device: string): Query | null {
  const tz = c.zone === 'local' ? timeZone() : 'UTC';
  if (table !== 'data') return { tz };
  const base = { tz, layout: c.layout, device: undefined };
  switch (c.by) {
    case 'one':
      return device ? { tz, layout: c.layout } : null;
    case 'list': {
      const ids = c.ids
        .split(/[,\s]+/)
        .map((id) => id.trim())
        .filter(Boolean);
      return ids.length > 0 ? { ...base, devices: ids.join(',') } : null;
    }
    case 'group':
      return c.group ? { ...base, group: c.group } : null;
    case 'tag':
      return c.tag ? { ...base, tag: c.tag } : null;
    case 'profile':
      return c.profile ? { ...base, profile: c.profile } : null;
    case 'all':
      return { ...base, all: true };
  }
}

export function ExportChoices({ value, onChange }: { value: ExportChoice; onChange: (next: ExportChoice) => void }) {
  const { groups, tags } = useFleetLabels();
  const profiles = useLoad(() => get<FleetTableView>('/api/fleet/latest', { limit: 1 }).then((r) => r.profiles), []);
  const set = <K extends keyof ExportChoice>(key: K, v: ExportChoice[K]) => onChange({ ...value, [key]: v });
  const options = (id: string, label: string, key: 'group' | 'tag' | 'profile', list: readonly string[]) => (
    <ChoiceSelect id={id} label={label} anyLabel="" value={value[key]} choices={list} onChange={(v) => set(key, v)} />
  );
  return (
    <>
      <div class="field">
        <label for="export-by">{t('fleetExport.devices')}</label>
        <select id="export-by" value={value.by} onChange={(e) => set('by', e.currentTarget.value as ExportBy)}>
          {BY.map((by) => (
            <option value={by} key={by}>
              {t(`fleetExport.by.${by}`)}
            </option>
          ))}
        </select>
      </div>
      {value.by === 'list' && (
        <div class="field">
          <label for="export-ids">{t('fleetExport.ids')}</label>
          <input id="export-ids" value={value.ids} onInput={(e) => set('ids', e.currentTarget.value)} />
        </div>
      )}
      {value.by === 'group' && options('export-group', t('fleetExport.group'), 'group', groups)}
      {value.by === 'tag' && options('export-tag', t('fleetExport.tag'), 'tag', tags)}
      {value.by === 'profile' && options('export-profile', t('fleetExport.profile'), 'profile', profiles.data ?? [])}
      <div class="field">
        <label for="export-layout">{t('fleetExport.layout')}</label>
        <select
          id="export-layout"
          value={value.layout}
          onChange={(e) => set('layout', e.currentTarget.value as ExportChoice['layout'])}
        >
          <option value="long">{t('fleetExport.long')}</option>
          <option value="wide">{t('fleetExport.wide')}</option>
        </select>
      </div>
      <div class="field">
        <label for="export-zone">{t('fleetExport.zone')}</label>
        <select
          id="export-zone"
          value={value.zone}
          onChange={(e) => set('zone', e.currentTarget.value as ExportChoice['zone'])}
        >
          <option value="local">{t('fleetExport.local', { zone: timeZone() })}</option>
          <option value="utc">{t('fleetExport.utc')}</option>
        </select>
      </div>
    </>
  );
}
