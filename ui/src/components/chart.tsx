// History of one or more points as a uPlot chart, plus the same numbers as a table for
// screen readers and for copying. One point: its bucket average with the min–max band.
// Several: a line each, one y axis per unit (left, then right). A state (bool, bit, status
// word) is drawn as steps: it held a value until the next, it never passed through the
// values in between. uPlot is loaded on the first chart, so pages without charts don't
// download it.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { axisTime, formatNumber, formatTime } from '../lib/format.js';
import { t } from '../lib/i18n.js';
import { Head } from './bits.js';
import type { Bucket } from '../lib/types.js';

const HEIGHT = 200;
const COLOURS = ['#1f6feb', '#d9480f', '#2f9e44', '#9c36b5', '#0c8599', '#e67700'];
const AXIS = { stroke: '#4a5568', grid: { stroke: '#e3e8ee' } };

export interface ChartSeries {
  point: string;
  /** The point in the UI language with its unit: 温度 (°C). */
  label: string;
  unit: string | null;
  /** Drawn as steps, showing the highest value of each bucket (a bit set in it stays visible). */
  state: boolean;
  buckets: Bucket[];
}

/** The value a series shows for a bucket: the average, or the highest for a state. */
const shown = (s: ChartSeries, b: Bucket) => (s.state ? b.max : b.avg);

/** Distinct units in order of appearance; a unit-less point counts as its own "unit". */
function unitKeys(series: ChartSeries[]): string[] {
  return [...new Set(series.map(axisKey))];
}
const axisKey = (s: ChartSeries) => (s.unit === null ? `point:${s.point}` : `unit:${s.unit}`);

/** One x column for all series: the union of their bucket times, null where one has none. */
function aligned(series: ChartSeries[]): { times: number[]; columns: (number | null)[][] } {
  const times = [...new Set(series.flatMap((s) => s.buckets.map((b) => b.t)))].sort((a, b) => a - b);
  const columns = series.map((s) => {
    const at = new Map(s.buckets.map((b) => [b.t, shown(s, b)]));
    return times.map((time) => at.get(time) ?? null);
  });
  return { times, columns };
}

export function SeriesChart({
  title,
  series,
  from,
  to,
}: {
  title: string;
  series: ChartSeries[];
  from: number;
  to: number;
}) {
  const holder = useRef<HTMLDivElement>(null);
  const single = series.length === 1 ? series[0]! : null;
  const { times, columns } = useMemo(() => aligned(series), [series]);
  const keys = useMemo(() => unitKeys(series), [series]);
  // A day at one value a minute is 1,440 rows per chart: build the table only when opened.
  const [tableOpen, setTableOpen] = useState(false);

  useEffect(() => {
    const element = holder.current;
    if (!element || times.length === 0) return;
    let plot: uPlot | null = null;
    let resize: ResizeObserver | null = null;
    let cancelled = false;
    void import('uplot').then(({ default: UPlot }) => {
      if (cancelled) return;
      const width = Math.max(element.clientWidth, 240);
      plot = new UPlot(options(UPlot, series, keys, from, to, width), data(series, times, columns), element);
      const drawn = plot;
      // A handle on the chart for the console and browser tests (axes, series, scales).
      Object.assign(element, { uplot: drawn });
      resize = new ResizeObserver(() => drawn.setSize({ width: Math.max(element.clientWidth, 240), height: HEIGHT }));
      resize.observe(element);
    });
    return () => {
      cancelled = true;
      resize?.disconnect();
      plot?.destroy();
    };
  }, [series, from, to]);

  const lastTime = times.length > 0 ? times[times.length - 1]! : null;
  return (
    <figure
      class={series.length > 1 ? 'chart chart-combined' : 'chart'}
      data-point={series.map((s) => s.point).join(',')}
      data-points={times.length}
      data-axes={keys.length}
      data-steps={series
        .filter((s) => s.state)
        .map((s) => s.point)
        .join(',')}
      data-last={lastTime ?? ''}
    >
      <figcaption>{title}</figcaption>
      {times.length === 0 ? (
        <p class="muted chart-empty">{t('device.noData')}</p>
      ) : (
        <div ref={holder} class="chart-canvas" aria-hidden="true" />
      )}
      {times.length > 0 && (
        <details class="chart-table" onToggle={(e) => setTableOpen(e.currentTarget.open)}>
          <summary>{t('chart.values', { count: times.length })}</summary>
          {tableOpen && (
            <table>
              <caption class="sr-only">{title}</caption>
              {single && !single.state ? (
                <SingleRows series={single} />
              ) : (
                <>
                  <Head cols={[t('col.time'), ...series.map((s) => s.label)]} />
                  <tbody>
                    {times.map((time, i) => (
                      <tr key={time}>
                        <td>{formatTime(time)}</td>
                        {columns.map((c, j) => (
                          <td key={series[j]!.point}>{c[i] === null ? '—' : formatNumber(c[i]!)}</td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </>
              )}
            </table>
          )}
        </details>
      )}
    </figure>
  );
}

function SingleRows({ series }: { series: ChartSeries }) {
  return (
    <>
      <Head cols={[t('col.time'), t('device.avg'), t('device.min'), t('device.max')]} />
      <tbody>
        {series.buckets.map((b) => (
          <tr key={b.t}>
            <td>{formatTime(b.t)}</td>
            <td>{formatNumber(b.avg)}</td>
            <td>{formatNumber(b.min)}</td>
            <td>{formatNumber(b.max)}</td>
          </tr>
        ))}
      </tbody>
    </>
  );
}

/** One measured point: average, min and max columns (the band); otherwise one column each. */
function data(series: ChartSeries[], times: number[], columns: (number | null)[][]): uPlot.AlignedData {
  const x = times.map((time) => time / 1000);
  const only = series.length === 1 ? series[0]! : null;
  if (only && !only.state)
    return [x, only.buckets.map((b) => b.avg), only.buckets.map((b) => b.min), only.buckets.map((b) => b.max)];
  return [x, ...columns];
}

function options(
  UPlot: typeof uPlot,
  series: ChartSeries[],
  keys: string[],
  from: number,
  to: number,
  width: number,
): uPlot.Options {
  const withUnit = (unit: string | null) => (v: number | null) =>
    v === null ? '—' : unit ? `${formatNumber(v)} ${unit}` : formatNumber(v);
  // Not hovering (idx null): the legend shows the latest value, never a line of dashes.
  const legendValue =
    (format: (v: number | null) => string) =>
    (u: uPlot, raw: number | null, seriesIdx: number, idx: number | null): string => {
      if (idx !== null) return format(raw);
      const column = u.data[seriesIdx] ?? [];
      for (let i = column.length - 1; i >= 0; i--) if (column[i] !== null) return format(column[i] ?? null);
      return '—';
    };
  const axes: uPlot.Axis[] = [{ ...AXIS, values: (_u, ticks) => ticks.map((v) => axisTime(v * 1000, to - from)) }];
  keys.forEach((key, i) => {
    const first = series.find((s) => axisKey(s) === key)!;
    axes.push({
      ...AXIS,
      scale: key,
      side: i % 2 === 0 ? 3 : 1,
      // The unit names the axis; a unit-less state axis is named after its point.
      label: first.unit ?? first.label,
      labelSize: 20,
      size: 56,
      grid: { ...AXIS.grid, show: i === 0 },
      values: (_u, ticks) => ticks.map((v) => formatNumber(v)),
    });
  });
  const steps = UPlot.paths.stepped?.({ align: 1 });
  const only = series.length === 1 ? series[0]! : null;
  const lines: uPlot.Series[] =
    only && !only.state
      ? [
          {
            label: `${only.label} · ${t('device.avg')}`,
            scale: axisKey(only),
            stroke: COLOURS[0],
            width: 2,
            value: legendValue(withUnit(only.unit)),
            points: { show: only.buckets.length < 60 },
          },
          ...(['min', 'max'] as const).map((edge) => ({
            label: t(`device.${edge}`),
            scale: axisKey(only),
            stroke: '#9fb3c8',
            width: 1,
            dash: [4, 4],
            value: legendValue(withUnit(only.unit)),
          })),
        ]
      : series.map((s, i) => ({
          label: s.label,
          scale: axisKey(s),
          stroke: COLOURS[i % COLOURS.length],
          width: 2,
          spanGaps: true,
          value: legendValue(withUnit(s.unit)),
          ...(s.state && steps ? { paths: steps } : {}),
          points: { show: s.buckets.length < 60 },
        }));
  return {
    width,
    height: HEIGHT,
    legend: { show: true, live: true },
    cursor: { drag: { x: true, y: false } },
    scales: { x: { time: true, range: () => [from / 1000, to / 1000] } },
    axes,
    series: [{ label: t('col.time'), value: legendValue((v) => (v === null ? '—' : formatTime(v * 1000))) }, ...lines],
    ...(only && !only.state ? { bands: [{ series: [3, 2], fill: 'rgba(31, 111, 235, 0.08)' }] } : {}),
  };
}
