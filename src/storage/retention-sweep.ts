// The order and the report of one retention sweep, shared by both stores; each store
// supplies the chunked DELETEs for its dialect.
import type { RetentionConfig } from '../domain/config.js';
import type { RetentionReport } from './history.js';
import type { RollupTier } from './rollup/rollup-row.js';

export type AgedTable = 'heartbeat_log' | 'connection_history' | 'raw_packets';

export interface RetentionSteps {
  /** device_data rows older than maxAgeMs (0 keeps forever); returns rows deleted. */
  deleteOldData(maxAgeMs: number): Promise<number>;
  deleteOlderThan(table: AgedTable, maxAgeMs: number): Promise<number>;
  /** Rollup rows of a tier whose bucket started more than maxAgeMs ago (0 keeps forever). */
  deleteOldRollups(tier: RollupTier, maxAgeMs: number): Promise<number>;
  /** Rows over retention.rawPacketsMaxRows, oldest first. */
  capRawPackets(): Promise<number>;
  /** applied_batches ids past APPLIED_BATCH_KEEP_MS. */
  forgetAppliedBatches(): Promise<void>;
  /** Events and finished webhook deliveries older than maxAgeMs (> 0); pending deliveries stay. */
  forgetEvents(maxAgeMs: number): Promise<void>;
}

export async function sweepRetention(config: RetentionConfig, steps: RetentionSteps): Promise<RetentionReport> {
  const started = performance.now();
  const deviceData = await steps.deleteOldData(config.deviceDataMs);
  const minuteRollups = await steps.deleteOldRollups('minute', config.minuteRollupsMs);
  const hourRollups = await steps.deleteOldRollups('hour', config.hourRollupsMs);
  const heartbeatLog = await steps.deleteOlderThan('heartbeat_log', config.heartbeatLogMs);
  const connectionHistory = await steps.deleteOlderThan('connection_history', config.connectionHistoryMs);
  const rawPacketsAged = await steps.deleteOlderThan('raw_packets', config.rawPacketsMs);
  const rawPacketsOverCap = await steps.capRawPackets();
  await steps.forgetAppliedBatches();
  // Events and the webhook delivery log follow connection history's age limit.
  if (config.connectionHistoryMs > 0) await steps.forgetEvents(config.connectionHistoryMs);
  return {
    deviceData,
    minuteRollups,
    hourRollups,
    heartbeatLog,
    connectionHistory,
    rawPackets: rawPacketsAged + rawPacketsOverCap,
    rawPacketsOverCap,
    ms: performance.now() - started,
  };
}
