// MQTT topic filters (3.1.1 §4.7), pure: which filter a received topic matches, whether one
// filter already receives everything another would, and the levels a device ID is read from.

/**
 * True when `topic` (a topic name, no wildcards) matches `filter`. `+` fills exactly one
 * level, `#` the rest including none (`a/#` matches `a`), and neither matches a first level
 * starting with `$` (`$SYS/…` is only reached by naming it).
 */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    const level = f[i]!;
    if (level === '#') return true;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}

/**
 * True when every topic `narrow` matches is also matched by `wide`. Used so the broker is
 * not asked for a filter another one already covers: some brokers deliver a message once
 * per matching subscription, and we store each message once.
 */
export function filterCovers(wide: string, narrow: string): boolean {
  const w = wide.split('/');
  const n = narrow.split('/');
  // A wildcard first level never matches `$…` topics; a filter naming `$SYS` needs a `$SYS` filter.
  if (n[0]!.startsWith('$') && (w[0] === '+' || w[0] === '#')) return false;
  for (let i = 0; i < w.length; i++) {
    const level = w[i]!;
    if (level === '#') return true;
    if (i >= n.length) return false;
    if (n[i] === '#') return false;
    if (level !== '+' && level !== n[i]) return false;
  }
  return w.length === n.length;
}

/** The filters to subscribe to: each one once, without those another one covers. */
export function brokerFilters(filters: readonly string[]): string[] {
  const unique = [...new Set(filters)];
  return unique.filter((f, i) => !unique.some((other, j) => j !== i && filterCovers(other, f)));
}

/** Level `n` (from 0) of a topic name, or undefined when the topic has fewer levels. */
export function topicLevel(topic: string, n: number): string | undefined {
  return topic.split('/')[n];
}
