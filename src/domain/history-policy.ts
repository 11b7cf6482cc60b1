// Which samples of a point become raw history rows ("store by exception"). The latest-value
// cache, the rules and the rollups see every sample whatever the policy; only the raw rows
// of `device_data` are thinned. The filter that applies a policy is src/by-exception/.

/**
 * - `every`: every sample is stored (the default).
 * - `on-change`: a sample is stored when its value, text or quality differs from the last
 *   stored one.
 * - `deadband`: a sample is stored when its value is more than `deviation` from the last
 *   stored value (PI's exception deviation, Ignition's deadband).
 * - `swinging-door`: a sample is stored when no straight line from the last stored sample
 *   passes within `deviation` of every sample since (PI's compression deviation).
 */
export type HistoryMode = 'every' | 'on-change' | 'deadband' | 'swinging-door';

/** The modes that compare numbers: a bool or string point under one of them stores on change. */
export type NumericHistoryMode = 'deadband' | 'swinging-door';

/** A point's compiled policy: every default filled in, the deviation in the point's own unit. */
export type HistoryPolicy =
  | { readonly mode: 'every' }
  | { readonly mode: 'on-change'; readonly maxIntervalMs: number }
  | { readonly mode: NumericHistoryMode; readonly deviation: number; readonly maxIntervalMs: number };

/** A policy that drops samples: every mode but `every`. */
export type ThinningPolicy = Exclude<HistoryPolicy, { readonly mode: 'every' }>;

/** The policy of a point whose profile and entry say nothing: the one-row-per-sample table. */
export const STORE_EVERY_SAMPLE: HistoryPolicy = Object.freeze({ mode: 'every' });
