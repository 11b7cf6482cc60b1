// A chart per numeric point over a chosen time range, reduced to buckets on the server
// (GET /api/devices/:id/series, at most 8 points per request). Preset ranges follow "now".
import { useState } from 'preact/hooks';
import { deviceIdPath, get } from '../lib/api.js';
import { formatDuration, formatNumber } from '../lib/format.js';
import { getLang, t } from '../lib/i18n.js';
import type { PointInfo, SeriesResponse } from '../lib/types.js';
import { useInterval, useLoad } from '../lib/use-load.js';
import { ErrorNote, Section } from '../components/bits.js';
import { PointChart } from '../components/chart.js';
import { presetRange, RangePicker, type TimeRange } from '../components/range-picker.js';

const POINTS_PER_REQUEST = 8;
const BUCKETS = 240;
const TIER_LABEL = {
  raw: 'device.tierRaw',
  minute: 'device.tierMinute',
  hour: 'device.tierHour',
} as const satisfies Record<SeriesResponse['tier'], string>;

async function loadSeries(id: string, points: string[], range: TimeRange): Promise<SeriesResponse[]> {
  const requests: Promise<SeriesResponse>[] = [];
  for (let i = 0; i < points.length; i += POINTS_PER_REQUEST) {
    const chunk = points.slice(i, i + POINTS_PER_REQUEST);
    requests.push(
      get<SeriesResponse>(`/api/devices/${deviceIdPath(id)}/series`, {
        points: chunk.join(','),
        from: Math.floor(range.from),
        to: Math.ceil(range.to),
        buckets: BUCKETS,
      }),
    );
  }
  return Promise.all(requests);
}

export function DeviceCharts({ id, name, points }: { id: string; name: string | null; points: PointInfo[] }) {
  const numeric = points.filter((p) => p.type !== 'string').map((p) => p.name);
  const [range, setRange] = useState<TimeRange>(presetRange('1h'));
  const series = useLoad(
    () => (numeric.length ? loadSeries(id, numeric, range) : Promise.resolve([])),
    [id, range.from, range.to, numeric.join(',')],
  );
  useInterval(() => {
    if (range.key !== 'custom') setRange(presetRange(range.key));
  }, 15_000);

  const all = (series.data ?? []).flatMap((r) => r.series.map((s) => ({ ...s, from: r.from, to: r.to })));
  const first = series.data?.[0];
  return (
    <Section
      title={name ? `${t('device.charts')} · ${name}` : t('device.charts')}
      id="charts"
      actions={
        <>
          <RangePicker value={range} onChange={setRange} idPrefix="chart" />
          <button
            type="button"
            onClick={() => (range.key !== 'custom' ? setRange(presetRange(range.key)) : series.reload())}
          >
            {t('refresh')}
          </button>
        </>
      }
    >
      <ErrorNote error={series.error} />
      {first && (
        <p class="muted small">
          {t('device.bucketInfo', {
            buckets: BUCKETS,
            size: formatDuration(first.bucketMs, getLang()),
            tier: t(TIER_LABEL[first.tier]),
            rows: formatNumber((series.data ?? []).reduce((n, r) => n + r.rowsScanned, 0)),
          })}
        </p>
      )}
      <div class="charts" aria-busy={series.loading}>
        {all.map((s) => (
          <PointChart key={s.point} point={s.point} unit={s.unit} buckets={s.buckets} from={s.from} to={s.to} />
        ))}
      </div>
    </Section>
  );
}
