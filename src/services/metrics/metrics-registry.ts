// The Prometheus registry (docs/METRICS.md) and the one way to add a metric to it. Every
// metric is read at scrape time from totals and states its component already keeps, so
// nothing counts twice and an idle gateway does no metrics work between scrapes.
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { Logger } from '../../log.js';

export type MetricLabels = Readonly<Record<string, string>>;

/** Reports one value of a metric at a scrape, for one label set (none for an unlabelled metric). */
export type MetricReport = (value: number, labels?: MetricLabels) => void;

export interface MetricDef {
  /** `dtuhub_…`, base units in the name (`_seconds`, `_bytes`), counters ending in `_total`. */
  readonly name: string;
  readonly help: string;
  readonly labelNames?: readonly string[];
  /** Called at each scrape; label sets it does not report are dropped from that scrape. */
  readonly collect: (report: MetricReport) => void | Promise<void>;
}

/**
 * What a component gets to publish its own metrics (northbound sinks, for one): the
 * endpoint serves whatever is registered here, so adding metrics never touches it.
 */
export interface MetricsHook {
  /** A value that goes up and down (a queue's depth, a state). Returns its removal. */
  gauge(def: MetricDef): () => void;
  /** A total the component keeps that only grows while the process runs. Returns its removal. */
  counter(def: MetricDef): () => void;
}

/** A scrape as the HTTP answer needs it. */
export interface MetricsScrape {
  readonly contentType: string;
  readonly text: string;
}

const NAME = /^dtuhub_[a-z][a-z0-9_]*$/;

export class MetricsRegistry implements MetricsHook {
  /** Our own registry, never prom-client's global one: two apps in one process stay apart. */
  private readonly registry = new Registry();
  private processMetrics = false;
  /** Metrics whose collect failed, logged once each until it works again. */
  private readonly failing = new Set<string>();

  constructor(private readonly log: Logger) {}

  /**
   * prom-client's process_* and nodejs_* metrics: CPU, memory, handles, GC, and the
   * event-loop delay from monitorEventLoopDelay (nodejs_eventloop_lag_*). Its histogram
   * runs for the life of the process once made, so this is called once per registry.
   */
  collectProcessMetrics(): void {
    if (this.processMetrics) return;
    this.processMetrics = true;
    collectDefaultMetrics({ register: this.registry });
  }

  gauge(def: MetricDef): () => void {
    return this.add(def, false);
  }

  counter(def: MetricDef): () => void {
    return this.add(def, true);
  }

  async scrape(): Promise<MetricsScrape> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }

  private add(def: MetricDef, counter: boolean): () => void {
    checkName(def.name, counter);
    const read = this.collector(def);
    const config = {
      name: def.name,
      help: def.help,
      labelNames: [...(def.labelNames ?? [])],
      registers: [this.registry],
    };
    if (counter) {
      new Counter({
        ...config,
        async collect() {
          const values = await read();
          if (!values) return;
          // The component's total is the truth: the counter is set to it, not added to.
          this.reset();
          for (const [value, labels] of values) this.inc(labels ?? {}, Math.max(0, value));
        },
      });
    } else {
      new Gauge({
        ...config,
        async collect() {
          const values = await read();
          if (!values) return;
          // Label sets not reported now (a removed listener) leave the scrape.
          this.reset();
          for (const [value, labels] of values) this.set(labels ?? {}, value);
        },
      });
    }
    return () => this.registry.removeSingleMetric(def.name);
  }

  /**
   * Gathers a scrape's values first: a collect that throws (a component not started) keeps
   * the metric's last values instead of failing the whole scrape or reading as a reset.
   */
  private collector(def: MetricDef): () => Promise<[number, MetricLabels | undefined][] | null> {
    return async () => {
      const values: [number, MetricLabels | undefined][] = [];
      try {
        await def.collect((value, labels) => values.push([value, labels]));
        this.failing.delete(def.name);
        return values;
      } catch (err) {
        if (!this.failing.has(def.name)) {
          this.failing.add(def.name);
          this.log.warn({ err, metric: def.name }, 'a metric could not be collected; it keeps its last values');
        }
        return null;
      }
    };
  }
}

/** A metric per entry of a list the config bounds (listeners, channels, notifiers), labelled by its name. */
export type PerNameReading<T> = readonly [name: string, help: string, read: (item: T) => number];

export function perName<T extends { readonly name: string }>(
  hook: MetricsHook,
  kind: 'gauge' | 'counter',
  label: string,
  list: () => readonly T[],
  readings: readonly PerNameReading<T>[],
): void {
  for (const [name, help, read] of readings) {
    hook[kind]({
      name,
      help,
      labelNames: [label],
      collect: (report) => {
        for (const item of list()) report(read(item), { [label]: item.name });
      },
    });
  }
}

/** Names are checked once, when registered: a bad one is a programming error. */
function checkName(name: string, counter: boolean): void {
  if (!NAME.test(name)) throw new Error(`metric name ${name} must match ${NAME.source}`);
  if (counter !== name.endsWith('_total')) {
    throw new Error(`metric ${name}: counters, and only counters, end in _total`);
  }
}
