// Northbound sinks as Prometheus metrics, one series per sink (label `sink`, bounded by
// server.yml): state, backlog in memory and on disk, lag, and the row totals the sink's
// status already keeps. A sink rebuilt by a reload starts its totals at zero again, which
// rate() reads as a counter reset.
import type { SinkState, SinkStatus } from '../../domain/sinks.js';
import type { SinksService } from '../sinks.js';
import { perName, type MetricsHook, type PerNameReading } from './metrics-registry.js';

const STATES: readonly SinkState[] = ['ok', 'degraded', 'spilling', 'stopped'];

const GAUGES: readonly PerNameReading<SinkStatus>[] = [
  [
    'dtuhub_sink_backlog_rows',
    'Rows a sink accepted and has neither sent nor journaled (memory).',
    (s) => s.backlogRows,
  ],
  [
    'dtuhub_sink_lag_seconds',
    'Age of the oldest sample a sink accepted and has not sent yet; 0 when none waits.',
    (s) => (s.lagMs ?? 0) / 1000,
  ],
  ['dtuhub_sink_spill_rows', 'Rows in a sink’s spill journal waiting to be replayed.', (s) => s.rowsOnDisk],
  ['dtuhub_sink_spill_bytes', 'Bytes of a sink’s spill journal waiting to be replayed.', (s) => s.bytesOnDisk],
];

const TOTALS: readonly PerNameReading<SinkStatus>[] = [
  ['dtuhub_sink_rows_accepted_total', 'Rows a sink took in.', (s) => s.counters.accepted],
  ['dtuhub_sink_rows_sent_total', 'Rows the peer took (directly or replayed).', (s) => s.counters.sent],
  ['dtuhub_sink_rows_spilled_total', 'Rows journaled while the peer was away or slow.', (s) => s.counters.spilled],
  ['dtuhub_sink_rows_replayed_total', 'Journaled rows the peer took on replay.', (s) => s.counters.replayed],
  [
    'dtuhub_sink_rows_dropped_total',
    'Rows lost: backlog full, or in a batch the peer refused (set aside).',
    (s) => s.counters.dropped,
  ],
  [
    'dtuhub_sink_rows_rejected_total',
    'Rows of batches the peer refused for their content, set aside once in rejected/.',
    (s) => s.counters.rejected,
  ],
  ['dtuhub_sink_restarts_total', 'Restarts of a sink from the API or UI.', (s) => s.restarts],
];

export function sinkMetrics(hook: MetricsHook, sinks: SinksService): void {
  hook.gauge({
    name: 'dtuhub_sink_state',
    help: '1 for a sink’s current state (ok, degraded, spilling, stopped), 0 for the others.',
    labelNames: ['sink', 'state'],
    collect: (report) => {
      for (const s of sinks.list())
        for (const state of STATES) report(state === s.state ? 1 : 0, { sink: s.name, state });
    },
  });
  perName(hook, 'gauge', 'sink', () => sinks.list(), GAUGES);
  perName(hook, 'counter', 'sink', () => sinks.list(), TOTALS);
}
