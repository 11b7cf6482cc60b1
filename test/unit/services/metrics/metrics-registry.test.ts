// The registration hook: values read at scrape time, names checked, a failing collect
// keeping its last values, and removal.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../src/log.js';
import { MetricsRegistry, perName } from '../../../../src/services/metrics/metrics-registry.js';

async function families(registry: MetricsRegistry): Promise<Map<string, { type: string; values: string[] }>> {
  const parsed = parsePrometheusTextFormat((await registry.scrape()).text);
  return new Map(
    parsed.map((f) => [
      f.name,
      { type: f.type, values: f.metrics.map((m) => `${JSON.stringify(m.labels ?? {})} ${m.value}`) },
    ]),
  );
}

describe('MetricsRegistry', () => {
  it('reads a component’s totals and states at each scrape, never adding to them', async () => {
    const registry = new MetricsRegistry(silentLogger());
    let sent = 3;
    const queues = [{ name: 'a', depth: 2 }];
    registry.counter({ name: 'dtuhub_test_sent_total', help: 'Sent.', collect: (report) => report(sent) });
    perName(registry, 'gauge', 'sink', () => queues, [['dtuhub_test_queue_rows', 'Depth.', (q) => q.depth]]);
    expect((await families(registry)).get('dtuhub_test_sent_total')).toEqual({ type: 'COUNTER', values: ['{} 3'] });
    sent = 5;
    queues.push({ name: 'b', depth: 0 });
    const second = await families(registry);
    expect(second.get('dtuhub_test_sent_total')?.values).toEqual(['{} 5']);
    expect(second.get('dtuhub_test_queue_rows')).toEqual({
      type: 'GAUGE',
      values: ['{"sink":"a"} 2', '{"sink":"b"} 0'],
    });
    queues.shift();
    expect((await families(registry)).get('dtuhub_test_queue_rows')?.values).toEqual(['{"sink":"b"} 0']);
  });

  it('refuses names outside dtuhub_… and counters without _total (or gauges with it)', () => {
    const registry = new MetricsRegistry(silentLogger());
    const collect = () => undefined;
    expect(() => registry.gauge({ name: 'queue_rows', help: '', collect })).toThrow(/must match/);
    expect(() => registry.counter({ name: 'dtuhub_sent', help: '', collect })).toThrow(/_total/);
    expect(() => registry.gauge({ name: 'dtuhub_sent_total', help: '', collect })).toThrow(/_total/);
  });

  it('keeps the last values of a metric whose collect throws, and removes one on request', async () => {
    const registry = new MetricsRegistry(silentLogger());
    let total: number | null = 7;
    registry.counter({
      name: 'dtuhub_test_flaky_total',
      help: 'Throws while its component is away.',
      collect: (report) => {
        if (total === null) throw new Error('not started');
        report(total);
      },
    });
    const remove = registry.gauge({ name: 'dtuhub_test_fine', help: 'Fine.', collect: (report) => report(1) });
    expect((await families(registry)).get('dtuhub_test_flaky_total')?.values).toEqual(['{} 7']);
    total = null;
    const scraped = await families(registry);
    expect(scraped.get('dtuhub_test_flaky_total')?.values).toEqual(['{} 7']);
    expect(scraped.get('dtuhub_test_fine')?.values).toEqual(['{} 1']);
    remove();
    expect((await families(registry)).has('dtuhub_test_fine')).toBe(false);
  });
});
