// One point's history as a uPlot line (bucket average) with its min–max band, plus the
// same numbers as a table for screen readers and for copying. uPlot is loaded on the first
// chart, so pages without charts don't download it.
import { useEffect, useRef } from 'preact/hooks';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { axisTime, formatNumber, formatTime } from '../lib/format.js';
import { t } from '../lib/i18n.js';
import { Head } from './bits.js';
import type { Bucket } from '../lib/types.js';

const HEIGHT = 180;

/** `from`/`to` (epoch ms) fix the x axis to the queried window, however few buckets have data. */
export function PointChart({
  point,
  unit,
  buckets,
  from,
  to,
}: {
  point: string;
  unit: string | null;
  buckets: Bucket[];
  from: number;
  to: number;
}) {
  const holder = useRef<HTMLDivElement>(null);
  const label = unit ? `${point} (${unit})` : point;

  useEffect(() => {
    const element = holder.current;
    if (!element || buckets.length === 0) return;
    const data: uPlot.AlignedData = [
      buckets.map((b) => b.t / 1000),
      buckets.map((b) => b.avg),
      buckets.map((b) => b.min),
      buckets.map((b) => b.max),
    ];
    const withUnit = (v: number | null) => (v === null ? '—' : unit ? `${formatNumber(v)} ${unit}` : formatNumber(v));
    let plot: uPlot | null = null;
    let resize: ResizeObserver | null = null;
    let cancelled = false;
    void import('uplot').then(({ default: UPlot }) => {
      if (cancelled) return;
      plot = new UPlot(
        {
          width: Math.max(element.clientWidth, 240),
          height: HEIGHT,
          legend: { show: true, live: true },
          cursor: { drag: { x: true, y: false } },
          scales: { x: { time: true, range: () => [from / 1000, to / 1000] } },
          axes: [
            {
              stroke: '#4a5568',
              grid: { stroke: '#e3e8ee' },
              values: (_u, ticks) => ticks.map((v) => axisTime(v * 1000, to - from)),
            },
            {
              stroke: '#4a5568',
              grid: { stroke: '#e3e8ee' },
              size: 60,
              values: (_u, ticks) => ticks.map((v) => formatNumber(v)),
            },
          ],
          series: [
            { label: t('col.time'), value: (_u, v) => (v === null ? '—' : formatTime(v * 1000)) },
            {
              label: t('device.avg'),
              stroke: '#1f6feb',
              width: 2,
              value: (_u, v) => withUnit(v),
              points: { show: buckets.length < 60 },
            },
            { label: t('device.min'), stroke: '#9fb3c8', width: 1, dash: [4, 4], value: (_u, v) => withUnit(v) },
            { label: t('device.max'), stroke: '#9fb3c8', width: 1, dash: [4, 4], value: (_u, v) => withUnit(v) },
          ],
          bands: [{ series: [3, 2], fill: 'rgba(31, 111, 235, 0.08)' }],
        },
        data,
        element,
      );
      const drawn = plot;
      resize = new ResizeObserver(() => drawn.setSize({ width: Math.max(element.clientWidth, 240), height: HEIGHT }));
      resize.observe(element);
    });
    return () => {
      cancelled = true;
      resize?.disconnect();
      plot?.destroy();
    };
  }, [buckets, unit, from, to]);

  return (
    <figure class="chart" data-point={point} data-points={buckets.length}>
      <figcaption>{label}</figcaption>
      {buckets.length === 0 ? (
        <p class="muted chart-empty">{t('device.noData')}</p>
      ) : (
        <div ref={holder} class="chart-canvas" aria-hidden="true" />
      )}
      {buckets.length > 0 && (
        <details class="chart-table">
          <summary>{t('device.dataTable', { count: buckets.length })}</summary>
          <table>
            <caption class="sr-only">{label}</caption>
            <Head cols={[t('col.time'), t('device.avg'), t('device.min'), t('device.max')]} />
            <tbody>
              {buckets.map((b) => (
                <tr key={b.t}>
                  <td>{formatTime(b.t)}</td>
                  <td>{formatNumber(b.avg)}</td>
                  <td>{formatNumber(b.min)}</td>
                  <td>{formatNumber(b.max)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </figure>
  );
}
