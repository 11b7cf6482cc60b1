// Shared by the outbound channel tests: a port nobody listens on (a peer that is down at
// start), the example profile as the simulator serves it, the example points as they must
// be stored.
import { expect } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { DeviceProfile, LinkConfig } from '../../src/domain/config.js';
import { removeDir, waitFor, writeConfigDir, type Harness } from './app-harness.js';
import { connectionRows, dataRows, deviceRow, storedEvents, type DataRowView } from './db.js';
import { HEARTBEAT_POINTS, USER_EXPECTED } from './user-example.js';

// freePort and accepts live with the benchmark (which cannot import test/), shared from there.
export { accepts, freePort } from '../../bench/ports.js';

/** A profile and a link of the shipped example config, compiled as dtuhub compiles them. */
export function exampleConfig(): { profile: (name?: string) => DeviceProfile; link: (name?: string) => LinkConfig } {
  const { dir } = writeConfigDir();
  try {
    const { points } = loadConfig(dir);
    return {
      profile: (name = 'th-station') => points.profiles.get(name)!,
      link: (name = 'transparent') => points.links.get(name)!,
    };
  } finally {
    removeDir(dir);
  }
}

/** The example profile, as a DTU would be polled with it. */
export function exampleProfile(): DeviceProfile {
  return exampleConfig().profile();
}

/**
 * Waits until every example point (without those polled on heartbeats, unless `heartbeats`)
 * is stored for the device, then checks each value and raw value against what the pinned
 * registers must decode to, and that heartbeat-polled points are absent for a peer that
 * sends no heartbeats; returns the rows.
 */
export async function expectUserPointsStored(
  h: Harness,
  deviceId: string,
  heartbeats: boolean,
): Promise<DataRowView[]> {
  const expected = Object.entries(USER_EXPECTED).filter(([point]) => heartbeats || !HEARTBEAT_POINTS.has(point));
  const rows = await waitFor(
    () => {
      const r = dataRows(h, deviceId);
      return expected.every(([point]) => r.some((x) => x.point === point)) ? r : null;
    },
    10_000,
    heartbeats ? 'every point, heartbeat-polled ones included' : 'every interval point',
  );
  for (const [point, want] of expected) {
    const row = rows.find((r) => r.point === point)!;
    expect(row.value, point).toBe(want.value);
    expect(row.raw, point).toBe(want.raw);
    expect(row.slave, point).toBe(1);
  }
  if (!heartbeats) expect(rows.filter((r) => HEARTBEAT_POINTS.has(r.point))).toEqual([]);
  return rows;
}

/** A preset device fed by a channel after its first connect: stored like a DTU, the channel as its listener. */
export function expectChannelDevice(h: Harness, deviceId: string, channel: string, peerPort: number): void {
  expect(deviceRow(h, deviceId)).toMatchObject({
    profile: 'th-station',
    status: 'online',
    last_ip: '127.0.0.1',
    last_port: peerPort,
    listener: channel,
  });
  expect(connectionRows(h, deviceId).map((r) => r.event)).toEqual(['connect']);
}

/**
 * For a channel whose peer keeps failing right after each connect (the test's backoff starts
 * at 100 ms): the waits grow 100, 200, 400 ms instead of starting over at every connect, and
 * nothing is stored for the device.
 */
export async function expectBackoffGrowsDespiteConnects(h: Harness, channel: string, deviceId: string): Promise<void> {
  const c = h.app.channels.get(channel);
  await waitFor(() => c.status().counters.disconnects >= 3, 15_000, 'three dropped links');
  await h.app.storeDrained();
  const retries = await waitFor(
    () => {
      const r = storedEvents(h, 'channel.backoff').map((e) => e.payload['retryInMs']);
      return r.length >= 3 ? r : null;
    },
    5000,
    'backoff events',
  );
  expect(retries.slice(0, 3)).toEqual([100, 200, 400]);
  expect(c.status().counters.connects).toBeGreaterThanOrEqual(3);
  expect(dataRows(h, deviceId)).toEqual([]);
}
