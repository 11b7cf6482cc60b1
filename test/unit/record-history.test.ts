// The glue from bus events to the writer, with store by exception: the cache and the
// rollups (the writer's `all`) get every sample, the raw rows (`stored`) what the point's
// history policy keeps, and held samples are stored when a device goes and at stop.
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../src/bus.js';
import type { DeviceProfile } from '../../src/domain/config.js';
import type { GatewayEvents, Remote } from '../../src/domain/events.js';
import type { HistoryPolicy } from '../../src/domain/history-policy.js';
import type { Sample } from '../../src/domain/point.js';
import { silentLogger } from '../../src/log.js';
import { recordHistory } from '../../src/record-history.js';
import { LatestValues, type HistoryWriter } from '../../src/storage/index.js';
import { point, profile } from './simulator/config-fixtures.js';

const MINUTE = 60_000;
const REMOTE: Remote = { ip: '127.0.0.1', port: 40_000, listener: 'dtu' };
const deadband: HistoryPolicy = { mode: 'deadband', deviation: 0.5, maxIntervalMs: 15 * MINUTE };

/** Records what the writer is told, in order. */
function recordingWriter() {
  const calls: (
    | { kind: 'samples'; all: readonly Sample[]; stored: readonly Sample[] | undefined }
    | { kind: 'offline'; deviceId: string }
  )[] = [];
  const ignore = () => undefined;
  const writer: HistoryWriter = {
    deviceOnline: ignore,
    deviceOffline: (deviceId) => void calls.push({ kind: 'offline', deviceId }),
    connection: ignore,
    heartbeat: ignore,
    rawPacket: ignore,
    samples: (all, stored) => void calls.push({ kind: 'samples', all, stored }),
    event: ignore,
    flush: () => Promise.resolve(),
    close: () => Promise.resolve(),
    stats: () => {
      throw new Error('not used');
    },
  };
  return { writer, calls };
}

function rig() {
  const station: DeviceProfile = profile(
    [
      point({ name: 'temperature', address: 2000, type: 'int16', scale: 0.1, history: deadband }),
      point({ name: 'humidity', address: 2001 }),
    ],
    { name: 'station' },
  );
  const bus = new EventBus<GatewayEvents>(silentLogger());
  const latest = new LatestValues();
  const { writer, calls } = recordingWriter();
  const stop = recordHistory(bus, writer, latest, () => new Map([['station', station]]));
  const online = (deviceId: string, profileName: string) =>
    bus.emit('device.registered', { deviceId, profile: profileName, name: null, remote: REMOTE, at: 0 });
  const data = (deviceId: string, at: number, temperature: number, humidity: number) => {
    const samples = [sampleOf(deviceId, 'temperature', at, temperature), sampleOf(deviceId, 'humidity', at, humidity)];
    bus.emit('data', { deviceId, samples, polledAt: at, at });
    return samples;
  };
  const offline = (deviceId: string) =>
    bus.emit('device.offline', { deviceId, remote: REMOTE, at: 99, reason: 'closed', details: null });
  return { latest, calls, stop, online, data, offline };
}

function sampleOf(deviceId: string, point: string, ts: number, value: number): Sample {
  return { deviceId, point, slave: 1, address: 0, value, text: null, raw: '', ts, quality: 'good' };
}

const valuesOf = (rows: readonly Sample[] | undefined) => rows?.map((s) => `${s.point}=${s.value}`);

describe('recordHistory with store by exception', () => {
  it('gives the cache and the rollups every sample, and the raw rows what the policy keeps', () => {
    const { latest, calls, online, data } = rig();
    online('DTU01', 'station');
    const first = data('DTU01', 0, 20, 50);
    const second = data('DTU01', 30_000, 20.2, 50);
    const third = data('DTU01', 60_000, 21, 51);
    expect(calls.map((c) => (c.kind === 'samples' ? c.all : null))).toEqual([first, second, third]);
    expect(calls.map((c) => (c.kind === 'samples' ? valuesOf(c.stored) : null))).toEqual([
      ['temperature=20', 'humidity=50'],
      ['humidity=50'],
      ['temperature=21', 'humidity=51'],
    ]);
    expect(latest.device('DTU01').map((s) => s.value)).toEqual([21, 51]);
  });

  it('stores what a device still holds when it goes offline, before marking it offline', () => {
    const { calls, online, data, offline } = rig();
    online('DTU01', 'station');
    data('DTU01', 0, 20, 50);
    const [held] = data('DTU01', 30_000, 20.1, 50);
    calls.length = 0;
    offline('DTU01');
    expect(calls).toEqual([
      { kind: 'samples', all: [], stored: [held] },
      { kind: 'offline', deviceId: 'DTU01' },
    ]);
  });

  it('stores every sample held when it stops, and nothing more after', () => {
    const { calls, online, data, stop } = rig();
    online('DTU01', 'station');
    online('DTU02', 'station');
    data('DTU01', 0, 20, 50);
    data('DTU02', 0, 20, 50);
    const [held1] = data('DTU01', 30_000, 20.1, 50);
    const [held2] = data('DTU02', 30_000, 20.1, 50);
    calls.length = 0;
    stop();
    expect(calls).toEqual([{ kind: 'samples', all: [], stored: [held1, held2] }]);
  });

  it('hands the samples through as both arguments for a device whose profile thins nothing', () => {
    const { calls, online, data } = rig();
    online('mqtt-device', 'mqtt'); // a channel's profile label, not a points.yml profile
    const samples = data('mqtt-device', 0, 20, 50);
    data('mqtt-device', 30_000, 20, 50);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toEqual({ kind: 'samples', all: samples, stored: samples });
    const [call] = calls;
    expect(call?.kind === 'samples' && call.stored === call.all).toBe(true);
  });
});
