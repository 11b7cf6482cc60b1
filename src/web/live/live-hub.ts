// The live feed's single data source: it listens to the gateway's event bus once and fans
// each event out to the viewers subscribed to its topic. Viewers never cause polls: the
// devices are polled on their schedules whatever the number of viewers. What a viewer may
// ask for is budgeted, and the answers are built in slices (live-subscriptions.ts).
import type { WebSocket } from 'ws';
import type { WebLiveConfig } from '../../domain/config.js';
import type { Logger } from '../../log.js';
import type { DevicesService, LiveFeed } from '../../services/index.js';
import { FleetSnapshots } from './fleet-snapshot.js';
import { FleetVersions } from './fleet-versions.js';
import { Budget, DEFAULT_LIVE_LIMITS, UserBudgets, type LiveLimits } from './live-budget.js';
import { deviceTopic, FLEET, parseClientMessage, type DeviceEvent, type ServerFrame } from './live-frames.js';
import { DELTA_WINDOW_MS, LiveSubscriptions } from './live-subscriptions.js';
import { CLOSE_AUTH_ENDED, CLOSE_SHUTDOWN, LiveViewer, type ViewerOptions } from './live-viewer.js';
import { SliceQueue } from './slice-queue.js';
import { UnreachableTracker } from './unreachable-tracker.js';

const STATUS_EVERY_MS = 5000;
/** Alarm changes reach fleet viewers at most this often: a thousand DTUs dropping at once is one frame. */
const ALARM_FRAME_EVERY_MS = 500;
/** Snapshot work per turn of the event loop: polls and HTTP get the loop in between. */
const SLICE_MS = 4;
/** Queued snapshot jobs beyond which new subscriptions are refused as busy. */
const MAX_WAITING_JOBS = 20_000;
/** Fleet changes kept for deltas, at most (a reconnect storm beyond this means full snapshots). */
const MAX_FLEET_CHANGES = 100_000;

export class LiveHub {
  private readonly viewers = new Set<LiveViewer>();
  private readonly tracker: UnreachableTracker;
  private readonly work: SliceQueue;
  private readonly subscriptions: LiveSubscriptions;
  private readonly userBudgets: UserBudgets;
  private readonly unsubscribers: (() => void)[] = [];
  private timers: NodeJS.Timeout[] = [];
  private alarmFrame: NodeJS.Timeout | null = null;

  constructor(
    devices: DevicesService,
    private readonly feed: LiveFeed,
    private readonly config: WebLiveConfig,
    private readonly log: Logger,
    private readonly status: () => Promise<unknown>,
    private readonly limits: LiveLimits = DEFAULT_LIVE_LIMITS,
  ) {
    this.tracker = new UnreachableTracker(config.unreachableAfter);
    this.work = new SliceQueue(SLICE_MS, MAX_WAITING_JOBS, log);
    const versions = new FleetVersions(DELTA_WINDOW_MS, MAX_FLEET_CHANGES);
    this.subscriptions = new LiveSubscriptions({
      devices,
      tracker: this.tracker,
      work: this.work,
      versions,
      snapshots: new FleetSnapshots(devices, versions, this.work),
    });
    this.userBudgets = new UserBudgets(limits);
  }

  start(): void {
    const feed = this.feed;
    this.unsubscribers.push(
      feed.on('data', (e) => {
        this.reachability(e.deviceId, this.tracker.succeeded(e.deviceId), null, e.at);
        const topic = deviceTopic(e.deviceId);
        this.publish(topic, {
          type: 'data',
          topic,
          deviceId: e.deviceId,
          samples: e.samples,
          polledAt: e.polledAt,
          at: e.at,
        });
      }),
      feed.on('poll.failed', (e) => {
        const { change, failures } = this.tracker.failed(e.deviceId);
        if (change !== 'unreachable') return;
        const topic = deviceTopic(e.deviceId);
        this.publish(topic, {
          type: 'unreachable',
          topic,
          deviceId: e.deviceId,
          failures,
          slave: e.slave,
          reason: e.reason,
          at: e.at,
        });
        this.reachability(e.deviceId, change, e.reason, e.at);
      }),
      feed.on('device.registered', (e) => {
        this.subscriptions.fleetChanged(e.deviceId);
        this.deviceEvent(e.deviceId, 'online', null, e.at);
      }),
      // A new name, profile or registry field: its summary in the fleet snapshot is stale.
      feed.on('device.reconfigured', (e) => this.subscriptions.fleetChanged(e.deviceId)),
      feed.on('device.edited', (e) => this.subscriptions.fleetChanged(e.deviceId)),
      feed.on('device.offline', (e) => {
        this.tracker.forget(e.deviceId);
        this.subscriptions.fleetChanged(e.deviceId);
        this.deviceEvent(e.deviceId, 'offline', e.reason, e.at);
      }),
      feed.on('alarm.changed', (e) => this.alarmsChanged(e.deviceId, e.at)),
    );
    const keepAliveTick = Math.max(50, Math.min(1000, Math.floor(this.config.keepAliveMs / 3)));
    this.timers = [
      setInterval(() => this.keepAlive(), keepAliveTick),
      setInterval(() => void this.fleetStatus(), STATUS_EVERY_MS),
    ];
    for (const t of this.timers) t.unref();
  }

  stop(): void {
    for (const off of this.unsubscribers.splice(0)) off();
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    if (this.alarmFrame !== null) clearTimeout(this.alarmFrame);
    this.alarmFrame = null;
    this.work.stop();
    for (const viewer of [...this.viewers]) viewer.close(CLOSE_SHUTDOWN, 'server stopping');
    this.viewers.clear();
    this.subscriptions.clear();
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  /** Subscribers of one topic (tests and status). */
  subscribers(topic: string): number {
    return this.subscriptions.viewersOf(topic)?.size ?? 0;
  }

  attach(
    socket: WebSocket,
    user: { username: string; role: string },
    initialTopics: readonly string[],
    stillAuthorized: () => boolean = () => true,
    stream: ViewerOptions['stream'] = null,
  ): LiveViewer {
    const now = Date.now();
    const budget = {
      own: new Budget(this.limits.connectionSubscriptions, this.limits.connectionSnapshotBytes, now),
      user: this.userBudgets.join(user.username, now),
    };
    const viewer = new LiveViewer(socket, {
      user: user.username,
      budget,
      stillAuthorized,
      maxBufferedBytes: this.config.maxBufferedBytes,
      stream,
      onDrop: (v, reason) => this.drop(v, reason),
    });
    this.viewers.add(viewer);
    socket.on('message', (data, isBinary) => this.onMessage(viewer, isBinary ? '' : data.toString()));
    socket.on('close', () => this.drop(viewer, 'closed'));
    socket.on('error', (err) => this.log.debug({ err, user: viewer.user }, 'live viewer socket error'));
    this.sendTo(viewer, {
      type: 'hello',
      user: user.username,
      role: user.role,
      keepAliveMs: this.config.keepAliveMs,
      at: Date.now(),
    });
    for (const topic of initialTopics) this.subscriptions.subscribe(viewer, topic);
    return viewer;
  }

  private onMessage(viewer: LiveViewer, text: string): void {
    const message = parseClientMessage(text);
    if (!message) {
      this.sendTo(viewer, {
        type: 'error',
        code: 'BAD_REQUEST',
        message: 'expected {"type":"subscribe"|"unsubscribe","topic":"fleet"|"device:<id>"} or {"type":"ping"}',
      });
      return;
    }
    if (message.type === 'ping') this.sendTo(viewer, { type: 'pong', at: Date.now() });
    else if (message.type === 'subscribe') this.subscriptions.subscribe(viewer, message.topic);
    else this.subscriptions.unsubscribe(viewer, message.topic);
  }

  private deviceEvent(deviceId: string, event: DeviceEvent, reason: string | null, at: number): void {
    const topic = deviceTopic(deviceId);
    this.publish(topic, { type: 'device', topic, deviceId, event, reason, at });
    this.publish(FLEET, { type: 'device', topic: FLEET, deviceId, event, reason, at });
  }

  /** A small notice, not the alarms: a viewer fetches the open alarms (kept in memory) when told. */
  private alarmsChanged(deviceId: string | null, at: number): void {
    if (deviceId !== null) {
      const topic = deviceTopic(deviceId);
      this.publish(topic, { type: 'alarms', topic, deviceId, at });
    }
    if (this.alarmFrame !== null) return;
    this.alarmFrame = setTimeout(() => {
      this.alarmFrame = null;
      this.publish(FLEET, { type: 'alarms', topic: FLEET, deviceId: null, at: Date.now() });
    }, ALARM_FRAME_EVERY_MS);
    this.alarmFrame.unref();
  }

  private reachability(
    deviceId: string,
    change: 'unreachable' | 'reachable' | null,
    reason: string | null,
    at: number,
  ): void {
    if (change) this.deviceEvent(deviceId, change, reason, at);
  }

  private publish(topic: string, frame: ServerFrame): void {
    const set = this.subscriptions.viewersOf(topic);
    if (!set || set.size === 0) return;
    // Serialised and encoded once, whatever the number of viewers.
    const bytes = Buffer.from(JSON.stringify(frame));
    for (const viewer of [...set]) viewer.send(bytes);
  }

  private sendTo(viewer: LiveViewer, frame: ServerFrame): void {
    viewer.send(JSON.stringify(frame));
  }

  private keepAlive(): void {
    const now = Date.now();
    this.userBudgets.prune(now);
    let text: string | null = null;
    for (const viewer of [...this.viewers]) {
      if (!viewer.stillAuthorized()) {
        viewer.close(CLOSE_AUTH_ENDED, 'not authenticated');
        this.drop(viewer, 'session ended');
        continue;
      }
      if (now - viewer.lastSentAt < this.config.keepAliveMs) continue;
      text ??= JSON.stringify({ type: 'keepalive', at: now } satisfies ServerFrame);
      viewer.send(text);
    }
  }

  private async fleetStatus(): Promise<void> {
    if (this.subscribers(FLEET) === 0) return;
    try {
      this.publish(FLEET, { type: 'status', topic: FLEET, status: await this.status(), at: Date.now() });
    } catch (err) {
      this.log.warn({ err }, 'fleet status frame failed');
    }
  }

  private drop(viewer: LiveViewer, reason: string): void {
    if (!this.viewers.delete(viewer)) return;
    this.subscriptions.forget(viewer);
    this.userBudgets.leave(viewer.user);
    if (reason !== 'closed') this.log.info({ user: viewer.user, reason }, 'live viewer dropped');
  }
}
