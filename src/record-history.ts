// Glue from gateway events to the history writer: which event becomes which row. Kept in
// one place so the gateway knows nothing about tables.
import type { EventBus } from './bus.js';
import { StoreByException } from './by-exception/index.js';
import type { PointsConfig } from './domain/config.js';
import type { GatewayEvents, OfflineReason } from './domain/events.js';
import type { DeviceUpsert, HistoryWriter, LatestValues } from './storage/index.js';

const CONNECTION_EVENT: Record<OfflineReason, 'disconnect' | 'heartbeat_timeout' | 'replaced' | 'rejected'> = {
  closed: 'disconnect',
  error: 'disconnect',
  shutdown: 'disconnect',
  overflow: 'disconnect',
  heartbeat_timeout: 'heartbeat_timeout',
  replaced: 'replaced',
  rejected: 'rejected',
};

/**
 * Subscribes the writer and the latest-value cache; returns the unsubscribe function, which
 * also stores the samples the profiles' `history:` policies still hold.
 */
export function recordHistory(
  bus: EventBus<GatewayEvents>,
  writer: HistoryWriter,
  latest: LatestValues,
  /** The profiles of the config running now (a reload replaces them). */
  profiles: () => PointsConfig['profiles'],
): () => void {
  let bound = profiles();
  const byException = new StoreByException(bound);
  const offs = [
    bus.on('data', (e) => {
      // The cache and the rollups get every sample; only the raw rows are thinned.
      latest.update(e.samples);
      writer.samples(e.samples, byException.stored(e.deviceId, e.samples));
    }),
    bus.on('device.registered', (e) => {
      byException.deviceOnline(e.deviceId, e.profile);
      writer.deviceOnline(deviceRow(e));
      writer.connection({
        registrationId: e.deviceId,
        event: 'connect',
        ip: e.remote.ip,
        port: e.remote.port,
        listener: e.remote.listener,
        details: null,
        at: e.at,
      });
    }),
    // points.yml reloaded: a new name, or a profile whose policies may differ.
    bus.on('device.reconfigured', (e) => {
      if (profiles() !== bound) byException.setProfiles((bound = profiles()));
      byException.deviceOnline(e.deviceId, e.profile);
      writer.deviceOnline(deviceRow(e));
    }),
    bus.on('device.offline', (e) => {
      // The last value read becomes a row before the device is marked offline.
      const held = byException.deviceOffline(e.deviceId);
      if (held.length > 0) writer.samples([], held);
      writer.deviceOffline(e.deviceId, e.at);
      writer.connection({
        registrationId: e.deviceId,
        event: CONNECTION_EVENT[e.reason],
        ip: e.remote.ip,
        port: e.remote.port,
        listener: e.remote.listener,
        details: e.details === null ? e.reason : `${e.reason}: ${e.details}`,
        at: e.at,
      });
    }),
    bus.on('device.rejected', (e) => {
      writer.connection({
        registrationId: e.deviceId,
        event: 'rejected',
        ip: e.remote.ip,
        port: e.remote.port,
        listener: e.remote.listener,
        details: e.reason,
        at: e.at,
      });
    }),
    bus.on('heartbeat', (e) => {
      writer.heartbeat({ registrationId: e.deviceId, at: e.at, ip: e.remote.ip, port: e.remote.port });
    }),
    bus.on('packet', (e) => {
      writer.rawPacket({
        registrationId: e.deviceId,
        direction: e.direction,
        kind: e.kind,
        bytes: e.bytes,
        at: e.at,
        ip: e.remote.ip,
        port: e.remote.port,
        note: e.note,
      });
    }),
  ];
  return () => {
    offs.forEach((off) => off());
    const held = byException.releaseAll();
    if (held.length > 0) writer.samples([], held);
  };
}

/** The devices row of a device that registered, or whose name or profile a reload changed. */
function deviceRow(e: GatewayEvents['device.registered']): DeviceUpsert {
  const { ip, port, listener } = e.remote;
  return { registrationId: e.deviceId, profile: e.profile, name: e.name, ip, port, listener, at: e.at };
}
