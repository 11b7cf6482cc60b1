// Writes a generated history through the app's HistoryWriter (createHistoryStore, the same
// path the gateway stores through), as fast as the store commits: every device reports one
// sample per point per round, rounds `periodMs` apart and ending just before `endAt`, so
// the data lies in the past as a server's history would.
import type { RetentionConfig, StorageConfig, WriteBufferConfig } from '../src/domain/config.js';
import { silentLogger } from '../src/log.js';
import { createHistoryStore, type HistoryStore, type HistoryWriter } from '../src/storage/index.js';
import { StoreByException } from '../src/by-exception/index.js';
import { retentionKeepingEverything } from '../src/config/compile-server.js';
import { loadProfile, simulatedDevice, type ProfileName } from './history-samples.js';

export interface HistoryDataset {
  /** Short label for the report. */
  readonly label: string;
  readonly profile: ProfileName;
  readonly devices: number;
  /** Points per device: the profile's first numeric points. */
  readonly points: number;
  readonly periodMs: number;
  readonly rounds: number;
}

export interface FillResult {
  /** Samples written (devices × points × rounds): all counted in the rollups. */
  readonly samples: number;
  /** Of them, stored as raw rows (all of them unless the profile stores by exception). */
  readonly stored: number;
  /** First round's time; the last round is at `to − periodMs`. */
  readonly from: number;
  readonly to: number;
  readonly seconds: number;
  readonly samplesPerSecond: number;
  readonly rowsDropped: number;
  /** Commits of sample batches (the writer's flushes while generating). */
  readonly commits: number;
  /** Device registration IDs, in order. */
  readonly deviceIds: readonly string[];
  readonly pointNames: readonly string[];
}

/** Keep everything: the bench data reaches back a year, past the default raw retention. */
export const KEEP_EVERYTHING: RetentionConfig = retentionKeepingEverything('none');

/** Scenario 1's batches (5,000 rows or 200 ms), with the server's default idle delay. */
export const FILL_WRITE_BUFFER: WriteBufferConfig = {
  maxRows: 5000,
  flushIntervalMs: 200,
  idleFlushDelayMs: 20,
  maxPendingRows: 100_000,
};

/** `onFlush`: told of every committed batch. */
export function openStore(storage: StorageConfig, onFlush?: () => void): HistoryStore {
  return createHistoryStore(
    { storage, writeBuffer: FILL_WRITE_BUFFER, retention: KEEP_EVERYTHING },
    silentLogger(),
    onFlush ? { onFlush } : {},
  );
}

export const historyDeviceId = (i: number) => `HIST${String(i + 1).padStart(5, '0')}`;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Lets the writer's replies in, and waits while the backlog is past a quarter of its cap:
 * a producer that outran the store would measure the drop counter.
 */
async function holdBack(writer: HistoryWriter): Promise<void> {
  await nextTurn();
  while (writer.stats().rowsBuffered > FILL_WRITE_BUFFER.maxPendingRows / 4) {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/**
 * Writes the dataset into a started store and waits until all of it is committed.
 * `commits()`: the store's flushes so far (counted by the caller's onFlush).
 */
export async function fillHistory(
  store: HistoryStore,
  dataset: HistoryDataset,
  endAt: number,
  commits: () => number = () => 0,
): Promise<FillResult> {
  const profile = loadProfile(dataset.profile);
  const devices = Array.from({ length: dataset.devices }, (_, i) =>
    simulatedDevice(profile, historyDeviceId(i), dataset.points),
  );
  const from = endAt - dataset.rounds * dataset.periodMs;
  const writer = store.writer;
  // What the app's history recorder does with the profile's `history:` policies.
  const byException = new StoreByException(new Map([[profile.name, profile]]));
  let stored = 0;
  for (const [i, device] of devices.entries()) {
    byException.deviceOnline(device.registrationId, profile.name);
    writer.deviceOnline({
      registrationId: device.registrationId,
      profile: device.profile,
      name: null,
      ip: '10.0.0.1',
      port: 10_000 + i,
      listener: 'dtu',
      at: from,
    });
  }
  await writer.flush();
  const commitsBefore = commits();
  const started = performance.now();
  let sinceHoldBack = 0;
  for (let round = 0; round < dataset.rounds; round++) {
    const ts = from + round * dataset.periodMs;
    for (const device of devices) {
      const all = device.samplesAt(ts);
      const rows = byException.stored(device.registrationId, all);
      writer.samples(all, rows);
      stored += rows.length;
      sinceHoldBack += dataset.points;
      if (sinceHoldBack >= 2000) {
        sinceHoldBack = 0;
        await holdBack(writer);
      }
    }
  }
  // The held samples, as when the server stops.
  const held = byException.releaseAll();
  writer.samples([], held);
  stored += held.length;
  await writer.flush();
  await store.drained();
  const seconds = (performance.now() - started) / 1000;
  const samples = dataset.devices * dataset.points * dataset.rounds;
  return {
    samples,
    stored,
    from,
    to: endAt,
    seconds,
    samplesPerSecond: Math.round(samples / seconds),
    rowsDropped: writer.stats().rowsDropped,
    commits: commits() - commitsBefore,
    deviceIds: devices.map((d) => d.registrationId),
    pointNames: devices[0]!.points.map((p) => p.name),
  };
}
