// The live feed's single data source: it listens to the gateway's event bus once and fans
// each event out to the viewers subscribed to its topic. Viewers never cause polls: the
// devices are polled on their schedules whatever the number of viewers.
import type { WebSocket } from 'ws';
import type { WebLiveConfig } from '../../domain/config.js';
import type { Logger } from '../../log.js';
import type { DevicesService, LiveFeed } from '../../services/index.js';
import { deviceTopic, FLEET, parseClientMessage, type DeviceEvent, type ServerFrame } from './live-frames.js';
import { CLOSE_AUTH_ENDED, CLOSE_SHUTDOWN, LiveViewer } from './live-viewer.js';
import { UnreachableTracker } from './unreachable-tracker.js';

const STATUS_EVERY_MS = 5000;
const MAX_TOPICS_PER_VIEWER = 200;

export class LiveHub {
  private readonly viewers = new Set<LiveViewer>();
  private readonly byTopic = new Map<string, Set<LiveViewer>>();
  private readonly tracker: UnreachableTracker;
  private readonly unsubscribers: (() => void)[] = [];
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly devices: DevicesService,
    private readonly feed: LiveFeed,
    private readonly config: WebLiveConfig,
    private readonly log: Logger,
    private readonly status: () => Promise<unknown>,
  ) {
    this.tracker = new UnreachableTracker(config.unreachableAfter);
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
      feed.on('device.registered', (e) => this.deviceEvent(e.deviceId, 'online', null, e.at)),
      feed.on('device.offline', (e) => {
        this.tracker.forget(e.deviceId);
        this.deviceEvent(e.deviceId, 'offline', e.reason, e.at);
      }),
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
    for (const viewer of [...this.viewers]) viewer.close(CLOSE_SHUTDOWN, 'server stopping');
    this.viewers.clear();
    this.byTopic.clear();
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  /** Subscribers of one topic (tests and status). */
  subscribers(topic: string): number {
    return this.byTopic.get(topic)?.size ?? 0;
  }

  attach(
    socket: WebSocket,
    user: { username: string; role: string },
    initialTopics: readonly string[],
    stillAuthorized: () => boolean = () => true,
  ): LiveViewer {
    const viewer = new LiveViewer(socket, user.username, stillAuthorized, this.config.maxBufferedBytes, (v, reason) =>
      this.drop(v, reason),
    );
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
    for (const topic of initialTopics) this.subscribe(viewer, topic);
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
    else if (message.type === 'subscribe') this.subscribe(viewer, message.topic);
    else this.unsubscribe(viewer, message.topic);
  }

  private subscribe(viewer: LiveViewer, topic: string): void {
    if (viewer.closed || viewer.topics.has(topic)) return;
    if (viewer.topics.size >= MAX_TOPICS_PER_VIEWER) {
      this.sendTo(viewer, {
        type: 'error',
        code: 'BAD_REQUEST',
        message: `at most ${MAX_TOPICS_PER_VIEWER} topics per connection`,
      });
      return;
    }
    viewer.topics.add(topic);
    let set = this.byTopic.get(topic);
    if (!set) this.byTopic.set(topic, (set = new Set()));
    set.add(viewer);
    // The last frame first: built synchronously from memory, so no event can slip in between.
    this.sendTo(viewer, this.snapshot(topic));
  }

  private unsubscribe(viewer: LiveViewer, topic: string): void {
    viewer.topics.delete(topic);
    this.byTopic.get(topic)?.delete(viewer);
    if (this.byTopic.get(topic)?.size === 0) this.byTopic.delete(topic);
    this.sendTo(viewer, { type: 'unsubscribed', topic, at: Date.now() });
  }

  private snapshot(topic: string): ServerFrame {
    const at = Date.now();
    if (topic === FLEET) {
      const devices = this.devices.online();
      return { type: 'snapshot', topic: FLEET, online: devices.length, devices, at };
    }
    const deviceId = topic.slice('device:'.length);
    const { device, values } = this.devices.live(deviceId);
    return {
      type: 'snapshot',
      topic,
      device,
      values,
      unreachable: this.tracker.isUnreachable(deviceId),
      at,
    };
  }

  private deviceEvent(deviceId: string, event: DeviceEvent, reason: string | null, at: number): void {
    const topic = deviceTopic(deviceId);
    this.publish(topic, { type: 'device', topic, deviceId, event, reason, at });
    this.publish(FLEET, { type: 'device', topic: FLEET, deviceId, event, reason, at });
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
    const set = this.byTopic.get(topic);
    if (!set || set.size === 0) return;
    const text = JSON.stringify(frame);
    for (const viewer of [...set]) viewer.send(text);
  }

  private sendTo(viewer: LiveViewer, frame: ServerFrame): void {
    viewer.send(JSON.stringify(frame));
  }

  private keepAlive(): void {
    const now = Date.now();
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
    for (const topic of viewer.topics) {
      const set = this.byTopic.get(topic);
      set?.delete(viewer);
      if (set?.size === 0) this.byTopic.delete(topic);
    }
    if (reason !== 'closed') this.log.info({ user: viewer.user, reason }, 'live viewer dropped');
  }
}
