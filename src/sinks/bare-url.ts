// A peer's URL as it may be shown: supervision, check-config and logs never carry the user,
// password, query (InfluxDB v1 takes `p=` there) or fragment.

/** The URL without user, password, query or fragment. */
export function bareUrl(url: string): string {
  const clean = new URL(url);
  return `${clean.protocol}//${clean.host}${clean.pathname.replace(/\/$/, '')}`;
}
