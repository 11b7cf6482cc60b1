// Scrapes a /metrics URL and reads it through an independent text-format parser, so the
// tests check what Prometheus would see, not what our registry thinks it wrote.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

export interface Scraped {
  readonly status: number;
  readonly contentType: string | null;
  /** Families by name (empty unless status 200). */
  readonly families: ReadonlyMap<string, ReturnType<typeof parsePrometheusTextFormat>[number]>;
}

export async function scrape(url: string, authorization?: string): Promise<Scraped> {
  const res = await fetch(url, authorization ? { headers: { authorization } } : {});
  const text = await res.text();
  const families = res.status === 200 ? parsePrometheusTextFormat(text) : [];
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    families: new Map(families.map((f) => [f.name, f])),
  };
}

/** The value of `name` with exactly these labels (a subset match when `labels` names fewer). */
export function sample(scraped: Scraped, name: string, labels: Record<string, string> = {}): number {
  const family = scraped.families.get(name);
  if (!family) throw new Error(`no metric ${name} in the scrape`);
  const found = family.metrics.find((m) => Object.entries(labels).every(([k, v]) => (m.labels ?? {})[k] === v));
  if (!found || found.value === undefined) throw new Error(`no ${name} sample with ${JSON.stringify(labels)}`);
  return Number(found.value);
}
