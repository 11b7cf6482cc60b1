// A chart per numeric point over a chosen time range, reduced to buckets on the server
// (GET /api/devices/:id/series, at most 8 points per request), and one chart of the points
// the operator ticks. A range ending now follows "now": asked again once a bucket (at least
// 5 s apart, not while the tab is hidden), so new data arrives without a reload.
import { useMemo, useState } from 'preact/hooks';
import { deviceIdPath, get } from '../lib/api.js';
import { bucketsFor, refreshEveryMs, resolutionWords, spanWords } from '../lib/chart-words.js';
import { formatNumber, toLocalInput } from '../lib/format.js';
import { t, useI18n, type Lang } from '../lib/i18n.js';
import { pointOption, pointWithUnit } from '../lib/point-label.js';
import type { PointInfo, SeriesResponse } from '../lib/types.js';
import { useInterval, useLoad } from '../lib/use-load.js';
import { ErrorNote, Section } from '../components/bits.js';
import { SeriesChart, type ChartSeries } from '../components/chart.js';
import { presetRange, RangePicker, RANGES, type TimeRange } from '../components/range-picker.js';

const POINTS_PER_REQUEST = 8;
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
        buckets: bucketsFor(range.to - range.from),
      }),
    );
  }
  return Promise.all(requests);
}

interface Drawn {
  key: string;
  title: string;
  series: ChartSeries[];
  from: number;
  to: number;
}

/** The charts to draw: the ticked points together (two or more), then each point alone. */
function charts(responses: SeriesResponse[], byName: Map<string, PointInfo>, together: string[], lang: Lang): Drawn[] {
  const all = responses.flatMap((r) =>
    r.series.map((s) => {
      const info = byName.get(s.point);
      const series: ChartSeries = {
        point: s.point,
        label: pointWithUnit(info, s.point, lang),
        unit: s.unit,
        state: info?.kind === 'state',
        buckets: s.buckets,
      };
      return { series, from: r.from, to: r.to };
    }),
  );
  const out: Drawn[] = [];
  const picked = all.filter((c) => together.includes(c.series.point));
  if (picked.length >= 2)
    out.push({
      key: `together:${together.join(',')}`,
      title: picked.map((c) => c.series.label).join(' · '),
      series: picked.map((c) => c.series),
      from: picked[0]!.from,
      to: picked[0]!.to,
    });
  for (const c of all)
    out.push({ key: c.series.point, title: c.series.label, series: [c.series], from: c.from, to: c.to });
  return out;
}

export function DeviceCharts({ id, name, points }: { id: string; name: string | null; points: PointInfo[] }) {
  const { lang } = useI18n();
  const numeric = points.filter((p) => p.type !== 'string');
  const names = numeric.map((p) => p.name);
  // The last 24 hours: an hour would show new data as a sliver at the right edge.
  const [range, setRange] = useState<TimeRange>(presetRange('24h'));
  const [together, setTogether] = useState<string[]>([]);
  const series = useLoad(
    () => (names.length ? loadSeries(id, names, range) : Promise.resolve([])),
    [id, range.from, range.to, names.join(',')],
  );
  const first = series.data?.[0];
  const following = range.key !== 'custom';
  const bucketMs = first?.bucketMs ?? (range.to - range.from) / bucketsFor(range.to - range.from);
  useInterval(() => {
    if (range.key !== 'custom') setRange(presetRange(range.key));
  }, refreshEveryMs(bucketMs));

  // Points are re-read every few seconds (device page); rebuild charts only when they change.
  const pointsKey = numeric.map((p) => `${p.name}|${p.unit}|${p.kind}|${p.description?.[lang] ?? ''}`).join(',');
  const byName = useMemo(() => new Map(numeric.map((p) => [p.name, p])), [pointsKey]);
  const drawn = useMemo(
    () => charts(series.data ?? [], byName, together, lang),
    [series.data, byName, together.join(','), lang],
  );

  const anyState = numeric.some((p) => p.kind === 'state');
  const words =
    first &&
    resolutionWords(
      following
        ? { spanMs: RANGES[range.key as keyof typeof RANGES] }
        : { fixed: `${toLocalInput(range.from)} – ${toLocalInput(range.to)}` },
      first.bucketMs,
      lang,
      anyState,
    );
  const detail =
    first &&
    t('chart.detail', {
      buckets: first.series[0]?.buckets.length ?? 0,
      step: spanWords(first.bucketMs, lang),
      tier: t(TIER_LABEL[first.tier]),
      rows: formatNumber((series.data ?? []).reduce((n, r) => n + r.rowsScanned, 0)),
    });

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
      {words && (
        <p class="muted small chart-words" title={detail}>
          {words}
          {following && ` · ${t('chart.refreshing', { step: spanWords(refreshEveryMs(first.bucketMs), lang) })}`}
        </p>
      )}
      {numeric.length >= 2 && (
        <details class="chart-pick">
          <summary>{t('chart.combine')}</summary>
          <p class="muted small">{t('chart.combineHint')}</p>
          <div class="chart-pick-list">
            {numeric.map((p) => (
              <label key={p.name}>
                <input
                  type="checkbox"
                  name="chart-together"
                  value={p.name}
                  checked={together.includes(p.name)}
                  onChange={(e) => {
                    const on = e.currentTarget.checked;
                    setTogether((old) => (on ? [...old, p.name] : old.filter((n) => n !== p.name)));
                  }}
                />{' '}
                {pointOption(p, lang)}
              </label>
            ))}
          </div>
        </details>
      )}
      <div class="charts" aria-busy={series.loading}>
        {drawn.map((c) => (
          <SeriesChart key={c.key} title={c.title} series={c.series} from={c.from} to={c.to} />
        ))}
      </div>
    </Section>
  );
}
