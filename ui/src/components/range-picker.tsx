// The time range of charts and queries: a preset ("last hour") or a custom from/to.
import { fromLocalInput, toLocalInput } from '../lib/format.js';
import { t } from '../lib/i18n.js';

export const RANGES = {
  '15m': 15 * 60_000,
  '1h': 3_600_000,
  '6h': 6 * 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
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
              {t(`range.${key}`)}
            </option>
          ))}
          <option value="custom">{t('range.custom')}</option>
        </select>
      </div>
      {value.key === 'custom' && (
        <>
          <div class="field">
            <label for={`${idPrefix}-from`}>{t('data.from')}</label>
            <input
              id={`${idPrefix}-from`}
              type="datetime-local"
              value={toLocalInput(value.from)}
              onChange={(e) =>
                onChange({ ...value, from: fromLocalInput((e.currentTarget as HTMLInputElement).value) ?? value.from })
              }
            />
          </div>
          <div class="field">
            <label for={`${idPrefix}-to`}>{t('data.to')}</label>
            <input
              id={`${idPrefix}-to`}
              type="datetime-local"
              value={toLocalInput(value.to)}
              onChange={(e) =>
                onChange({ ...value, to: fromLocalInput((e.currentTarget as HTMLInputElement).value) ?? value.to })
              }
            />
          </div>
        </>
      )}
    </div>
  );
}
