// The API's shapes: the response types come from the server's route schemas (type-only,
// erased from the bundle); the live feed's frames are declared here.
import type { FleetDevice, FleetStatus, Role, Sample } from '../../../src/web/api-types.js';

export type {
  AckResult,
  Alarm,
  AlarmPage,
  AlarmSummary,
  ApiToken,
  ConfigReloadState,
  AuditRow,
  Bucket,
  Channel,
  ConfigFileView,
  ConfigIssue,
  ConfigSaveResult,
  ConfigVersion,
  ConfigVersionDetail,
  DiffLine,
  TestReadResult,
  ConnectionRow,
  Delivery,
  DeliveryStats,
  DeviceDetail,
  DeviceList,
  DeviceSummary,
  FleetDevice,
  FleetTableView,
  DeviceVia,
  EventRow,
  FleetStatus,
  Listener,
  Me,
  PacketRow,
  PointInfo,
  ProcessUsage,
  Role,
  RuleView,
  Sample,
  Sink,
  SeriesResponse,
  SlaveState,
  Status,
  TimeNext,
  User,
  WebhookEndpoint,
  WebhookTestResult,
} from '../../../src/web/api-types.js';

/** Frames of the WebSocket live feed, by topic (docs/API.md, "WebSocket live feed"). */
export type LiveFrame =
  | { type: 'hello'; user: string; role: Role; keepAliveMs: number; at: number }
  | FleetSnapshot
  | {
      type: 'delta';
      topic: 'fleet';
      since: number;
      version: number;
      online: number;
      devices: FleetDevice[];
      removed: string[];
      at: number;
    }
  | {
      type: 'snapshot';
      topic: string;
      device: FleetDevice | null;
      values: Sample[];
      unreachable: boolean;
      at: number;
    }
  | { type: 'data'; topic: string; deviceId: string; samples: Sample[]; polledAt: number; at: number }
  | {
      type: 'device';
      topic: string;
      deviceId: string;
      event: 'online' | 'offline' | 'unreachable' | 'reachable';
      reason: string | null;
      at: number;
    }
  | {
      type: 'unreachable';
      topic: string;
      deviceId: string;
      failures: number;
      slave: number;
      reason: string;
      at: number;
    }
  | { type: 'status'; topic: 'fleet'; status: FleetStatus; at: number }
  | { type: 'alarms'; topic: string; deviceId: string | null; at: number }
  | { type: 'unsubscribed' | 'keepalive' | 'pong'; topic?: string; at: number }
  | { type: 'error'; code: string; message: string; topic?: string; retryAfterMs?: number };

/** The fleet snapshot, one page of it (`page` of `pages`) as the server sends it. */
export interface FleetSnapshot {
  type: 'snapshot';
  topic: 'fleet';
  version: number;
  page: number;
  pages: number;
  online: number;
  devices: FleetDevice[];
  at: number;
}
