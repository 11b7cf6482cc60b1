// The time range of charts and queries: a preset ending now ("last 24 hours") or a custom
// from/to typed as 24-hour local times.
import { fromLocalInput, toLocalInput } from '../lib/format.js';
import { t } from '../lib/i18n.js';
import { DateTimeInput } from './date-time-input.js';

export const RANGES = {
  '15m': 15 * 60_000,
  '1h': 3_600_000,
  '6h': 6 * 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
  '1y': 365 * 86_400_000,
} as const;
export type RangeKey = keyof typeof RANGES | 'custom';

export interface TimeRange {
  key: RangeKey;
  from: number;
  to: number;
}

export function presetRange(key: keyof typeof RANGES, now = Date.now()): TimeRange {
  return { key, from: now - RANGES[key], to: now };
}

const rangeLabel = (key: keyof typeof RANGES) => (key === '1y' ? t('chart.lastYear') : t(`range.${key}`));

export function RangePicker({
  value,
  onChange,
  idPrefix,
}: {
  value: TimeRange;
  onChange: (range: TimeRange) => void;
  idPrefix: string;
}) {
  return (
    <div class="range-picker">
      <div class="field">
        <label for={`${idPrefix}-range`}>{t('device.range')}</label>
        <select
          id={`${idPrefix}-range`}
          value={value.key}
          onChange={(e) => {
            const key = (e.currentTarget as HTMLSelectElement).value as RangeKey;
            onChange(key === 'custom' ? { ...value, key } : presetRange(key));
          }}
        >
          {(Object.keys(RANGES) as (keyof typeof RANGES)[]).map((key) => (
            <option value={key} key={key}>
              {rangeLabel(key)}
            </option>
          ))}
          <option value="custom">{t('range.custom')}</option>
        </select>
      </div>
      {value.key === 'custom' && (
        <>
          <div class="field">
            <label for={`${idPrefix}-from`}>{t('data.from')}</label>
            <DateTimeInput
              id={`${idPrefix}-from`}
              value={toLocalInput(value.from)}
              onChange={(text) => onChange({ ...value, from: fromLocalInput(text) ?? value.from })}
            />
          </div>
          <div class="field">
            <label for={`${idPrefix}-to`}>{t('data.to')}</label>
            <DateTimeInput
              id={`${idPrefix}-to`}
              value={toLocalInput(value.to)}
              onChange={(text) => onChange({ ...value, to: fromLocalInput(text) ?? value.to })}
            />
          </div>
        </>
      )}
    </div>
  );
}
