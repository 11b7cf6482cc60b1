// Glue from gateway events to the history writer: which event becomes which row. Kept in
// one place so the gateway knows nothing about tables.
import type { EventBus } from './bus.js';
import type { GatewayEvents, OfflineReason } from './domain/events.js';
import type { HistoryWriter, LatestValues } from './storage/index.js';

const CONNECTION_EVENT: Record<OfflineReason, 'disconnect' | 'heartbeat_timeout' | 'replaced' | 'rejected'> = {
  closed: 'disconnect',
  error: 'disconnect',
  shutdown: 'disconnect',
  overflow: 'disconnect',
  heartbeat_timeout: 'heartbeat_timeout',
  replaced: 'replaced',
  rejected: 'rejected',
};

/** Subscribes the writer and the latest-value cache; returns the unsubscribe function. */
export function recordHistory(bus: EventBus<GatewayEvents>, writer: HistoryWriter, latest: LatestValues): () => void {
  const offs = [
    bus.on('data', (e) => {
      latest.update(e.samples);
      writer.samples(e.samples);
    }),
    bus.on('device.registered', (e) => {
      writer.deviceOnline({
        registrationId: e.deviceId,
        profile: e.profile,
        name: e.name,
        ip: e.remote.ip,
        port: e.remote.port,
        listener: e.remote.listener,
        at: e.at,
      });
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
    bus.on('device.offline', (e) => {
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
  return () => offs.forEach((off) => off());
}
