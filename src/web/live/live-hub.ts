// The live feed's single data source: it listens to the gateway's event bus once and fans
// each event out to the viewers subscribed to its channel. Viewers never cause polls: the
// devices are polled on their schedules whatever the number of viewers.
import type { WebSocket } from 'ws';
import type { WebLiveConfig } from '../../domain/config.js';
import type { Logger } from '../../log.js';
import { onlineDevices, summarize } from '../devices/device-view.js';
import type { WebApp } from '../web-app.js';
import { deviceChannel, FLEET, parseClientMessage, type DeviceEvent, type ServerFrame } from './live-frames.js';
import { CLOSE_AUTH_ENDED, CLOSE_SHUTDOWN, LiveViewer } from './live-viewer.js';
import { UnreachableTracker } from './unreachable-tracker.js';

const STATUS_EVERY_MS = 5000;
const MAX_CHANNELS_PER_VIEWER = 200;

export class LiveHub {
  private readonly viewers = new Set<LiveViewer>();
  private readonly byChannel = new Map<string, Set<LiveViewer>>();
  private readonly tracker: UnreachableTracker;
  private readonly unsubscribers: (() => void)[] = [];
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly app: WebApp,
    private readonly config: WebLiveConfig,
    private readonly log: Logger,
    private readonly status: () => Promise<unknown>,
  ) {
    this.tracker = new UnreachableTracker(config.unreachableAfter);
  }

  start(): void {
    const { bus } = this.app;
    this.unsubscribers.push(
      bus.on('data', (e) => {
        this.reachability(e.deviceId, this.tracker.succeeded(e.deviceId), null, e.at);
        const channel = deviceChannel(e.deviceId);
        this.publish(channel, { type: 'data', channel, deviceId: e.deviceId, samples: e.samples, polledAt: e.polledAt, at: e.at });
      }),
      bus.on('poll.failed', (e) => {
        const { change, failures } = this.tracker.failed(e.deviceId);
        if (change !== 'unreachable') return;
        const channel = deviceChannel(e.deviceId);
        this.publish(channel, { type: 'unreachable', channel, deviceId: e.deviceId, failures, slave: e.slave, reason: e.reason, at: e.at });
        this.reachability(e.deviceId, change, e.reason, e.at);
      }),
      bus.on('device.registered', (e) => this.deviceEvent(e.deviceId, 'online', null, e.at)),
      bus.on('device.offline', (e) => {
        this.tracker.forget(e.deviceId);
        this.deviceEvent(e.deviceId, 'offline', e.reason, e.at);
      }),
    );
    const keepAliveTick = Math.max(50, Math.min(1000, Math.floor(this.config.keepAliveMs / 3)));
    this.timers = [setInterval(() => this.keepAlive(), keepAliveTick), setInterval(() => void this.fleetStatus(), STATUS_EVERY_MS)];
    for (const t of this.timers) t.unref();
  }

  stop(): void {
    for (const off of this.unsubscribers.splice(0)) off();
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    for (const viewer of [...this.viewers]) viewer.close(CLOSE_SHUTDOWN, 'server stopping');
    this.viewers.clear();
    this.byChannel.clear();
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  /** Subscribers of one channel (tests and status). */
  subscribers(channel: string): number {
    return this.byChannel.get(channel)?.size ?? 0;
  }

  attach(socket: WebSocket, user: { username: string; role: string }, initialChannels: readonly string[], stillAuthorized: () => boolean = () => true): LiveViewer {
    const viewer = new LiveViewer(socket, user.username, stillAuthorized, this.config.maxBufferedBytes, (v, reason) => this.drop(v, reason));
    this.viewers.add(viewer);
    socket.on('message', (data, isBinary) => this.onMessage(viewer, isBinary ? '' : data.toString()));
    socket.on('close', () => this.drop(viewer, 'closed'));
    socket.on('error', (err) => this.log.debug({ err, user: viewer.user }, 'live viewer socket error'));
    this.sendTo(viewer, { type: 'hello', user: user.username, role: user.role, keepAliveMs: this.config.keepAliveMs, at: Date.now() });
    for (const channel of initialChannels) this.subscribe(viewer, channel);
    return viewer;
  }

  private onMessage(viewer: LiveViewer, text: string): void {
    const message = parseClientMessage(text);
    if (!message) {
      this.sendTo(viewer, { type: 'error', code: 'BAD_REQUEST', message: 'expected {"type":"subscribe"|"unsubscribe","channel":"fleet"|"device:<id>"} or {"type":"ping"}' });
      return;
    }
    if (message.type === 'ping') this.sendTo(viewer, { type: 'pong', at: Date.now() });
    else if (message.type === 'subscribe') this.subscribe(viewer, message.channel);
    else this.unsubscribe(viewer, message.channel);
  }

  private subscribe(viewer: LiveViewer, channel: string): void {
    if (viewer.closed || viewer.channels.has(channel)) return;
    if (viewer.channels.size >= MAX_CHANNELS_PER_VIEWER) {
      this.sendTo(viewer, { type: 'error', code: 'BAD_REQUEST', message: `at most ${MAX_CHANNELS_PER_VIEWER} channels per connection` });
      return;
    }
    viewer.channels.add(channel);
    let set = this.byChannel.get(channel);
    if (!set) this.byChannel.set(channel, (set = new Set()));
    set.add(viewer);
    // The last frame first: built synchronously from memory, so no event can slip in between.
    this.sendTo(viewer, this.snapshot(channel));
  }

  private unsubscribe(viewer: LiveViewer, channel: string): void {
    viewer.channels.delete(channel);
    this.byChannel.get(channel)?.delete(viewer);
    if (this.byChannel.get(channel)?.size === 0) this.byChannel.delete(channel);
    this.sendTo(viewer, { type: 'unsubscribed', channel, at: Date.now() });
  }

  private snapshot(channel: string): ServerFrame {
    const at = Date.now();
    const online = onlineDevices(this.app);
    if (channel === FLEET) {
      const devices = [...online].map(([id, live]) => summarize(this.app, null, live, id)!);
      return { type: 'snapshot', channel: FLEET, online: devices.length, devices, at };
    }
    const deviceId = channel.slice('device:'.length);
    return {
      type: 'snapshot',
      channel,
      device: summarize(this.app, null, online.get(deviceId) ?? null, deviceId),
      values: this.app.latest.device(deviceId),
      unreachable: this.tracker.isUnreachable(deviceId),
      at,
    };
  }

  private deviceEvent(deviceId: string, event: DeviceEvent, reason: string | null, at: number): void {
    const channel = deviceChannel(deviceId);
    this.publish(channel, { type: 'device', channel, deviceId, event, reason, at });
    this.publish(FLEET, { type: 'device', channel: FLEET, deviceId, event, reason, at });
  }

  private reachability(deviceId: string, change: 'unreachable' | 'reachable' | null, reason: string | null, at: number): void {
    if (change) this.deviceEvent(deviceId, change, reason, at);
  }

  private publish(channel: string, frame: ServerFrame): void {
    const set = this.byChannel.get(channel);
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
      this.publish(FLEET, { type: 'status', channel: FLEET, status: await this.status(), at: Date.now() });
    } catch (err) {
      this.log.warn({ err }, 'fleet status frame failed');
    }
  }

  private drop(viewer: LiveViewer, reason: string): void {
    if (!this.viewers.delete(viewer)) return;
    for (const channel of viewer.channels) {
      const set = this.byChannel.get(channel);
      set?.delete(viewer);
      if (set?.size === 0) this.byChannel.delete(channel);
    }
    if (reason !== 'closed') this.log.info({ user: viewer.user, reason }, 'live viewer dropped');
  }
}
