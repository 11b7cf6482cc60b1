// Who follows which topic, and the first frames of a subscription. A subscription is admitted
// against the viewer's budgets (or refused with RATE_LIMITED, never queued), then answered
// from the SliceQueue: a device's snapshot from that device's state alone, the fleet as a
// delta against what the viewer had a moment ago, or as shared, pre-serialised pages
// followed by a delta for whatever changed while they were on their way.
import type { DevicesService, FleetDevice } from '../../services/index.js';
import { admitSubscription, type Refusal } from './live-budget.js';
import { DEVICE_PREFIX, FLEET, type ServerFrame } from './live-frames.js';
import type { LiveViewer } from './live-viewer.js';
import { PAGE_DEVICES, type FleetPages, type FleetSnapshots } from './fleet-snapshot.js';
import type { FleetVersions } from './fleet-versions.js';
import type { SliceQueue } from './slice-queue.js';
import type { UnreachableTracker } from './unreachable-tracker.js';

export const MAX_TOPICS_PER_VIEWER = 200;
/** A viewer that subscribes to the fleet again within this long of its last copy gets a delta. */
export const DELTA_WINDOW_MS = 60_000;
const BUSY: Refusal = { message: 'the live feed is busy', retryAfterMs: 1000 };

export interface SubscriptionDeps {
  readonly devices: DevicesService;
  readonly tracker: UnreachableTracker;
  readonly work: SliceQueue;
  readonly versions: FleetVersions;
  readonly snapshots: FleetSnapshots;
}

export class LiveSubscriptions {
  private readonly byTopic = new Map<string, Set<LiveViewer>>();
  private nextId = 0;
  private readonly fleetDirty = new Set<string>();

  constructor(private readonly deps: SubscriptionDeps) {}

  viewersOf(topic: string): ReadonlySet<LiveViewer> | undefined {
    return this.byTopic.get(topic);
  }

  subscribe(viewer: LiveViewer, topic: string): void {
    if (viewer.closed || viewer.topics.has(topic)) return;
    if (viewer.topics.size >= MAX_TOPICS_PER_VIEWER) {
      send(viewer, {
        type: 'error',
        code: 'BAD_REQUEST',
        message: `at most ${MAX_TOPICS_PER_VIEWER} topics per connection`,
      });
      return;
    }
    const refusal = this.deps.work.accepts
      ? admitSubscription(viewer.budget.own, viewer.budget.user, Date.now())
      : BUSY;
    if (refusal) {
      send(viewer, { type: 'error', code: 'RATE_LIMITED', topic, ...refusal });
      return;
    }
    const id = ++this.nextId;
    viewer.topics.add(topic);
    viewer.pending.set(topic, id);
    if (topic === FLEET) {
      // Fleet events flow from now on; the delta after the pages settles any overlap.
      this.join(viewer, FLEET);
      this.deps.work.push(() => this.answerFleet(viewer, id));
    } else this.deps.work.push(() => this.answerDevice(viewer, topic, id));
  }

  unsubscribe(viewer: LiveViewer, topic: string): void {
    viewer.topics.delete(topic);
    viewer.pending.delete(topic);
    this.leave(viewer, topic);
    send(viewer, { type: 'unsubscribed', topic, at: Date.now() });
  }

  /** Takes a dropped viewer out of every topic. */
  forget(viewer: LiveViewer): void {
    for (const topic of viewer.topics) this.leave(viewer, topic);
    viewer.pending.clear();
  }

  clear(): void {
    this.byTopic.clear();
    this.fleetDirty.clear();
  }

  /**
   * A device joined or left (or a session replaced another): the fleet's version moves on.
   * Read after the event's emitter has finished, since a channel announces a device offline
   * before it stops listing it.
   */
  fleetChanged(deviceId: string): void {
    if (this.fleetDirty.size === 0) queueMicrotask(() => this.settleFleet());
    this.fleetDirty.add(deviceId);
  }

  private settleFleet(): void {
    const now = Date.now();
    for (const deviceId of this.fleetDirty)
      this.deps.versions.changed(deviceId, this.deps.devices.fleetDevice(deviceId) !== null, now);
    this.fleetDirty.clear();
  }

  private answerDevice(viewer: LiveViewer, topic: string, id: number): void {
    if (!wanted(viewer, topic, id)) return;
    viewer.pending.delete(topic);
    const deviceId = topic.slice(DEVICE_PREFIX.length);
    const { device, values } = this.deps.devices.live(deviceId);
    // The last frame first, built now and joined in the same step: no event slips in between.
    this.join(viewer, topic);
    deliver(viewer, {
      type: 'snapshot',
      topic,
      device,
      values,
      unreachable: this.deps.tracker.isUnreachable(deviceId),
      at: Date.now(),
    });
  }

  private answerFleet(viewer: LiveViewer, id: number): void {
    if (!wanted(viewer, FLEET, id)) return;
    const now = Date.now();
    const base = viewer.fleetBase;
    if (base && now - base.at <= DELTA_WINDOW_MS && this.sendDelta(viewer, base.version, PAGE_DEVICES, now)) {
      viewer.pending.delete(FLEET);
      return;
    }
    this.deps.snapshots.get(now, (pages) => this.sendPage(viewer, id, pages, 0));
  }

  /** One page per job, so other viewers' answers go out in between. */
  private sendPage(viewer: LiveViewer, id: number, pages: FleetPages, index: number): void {
    if (!wanted(viewer, FLEET, id) || !deliverBytes(viewer, pages.pages[index]!)) return;
    if (index + 1 < pages.pages.length) {
      this.deps.work.next(() => this.sendPage(viewer, id, pages, index + 1));
      return;
    }
    const now = Date.now();
    viewer.fleetBase = { version: pages.version, at: now };
    if (this.deps.versions.version === pages.version || this.sendDelta(viewer, pages.version, Infinity, now)) {
      viewer.pending.delete(FLEET);
      return;
    }
    // More changed meanwhile than the log keeps: start over with fresh pages.
    viewer.fleetBase = null;
    this.deps.work.next(() => this.answerFleet(viewer, id));
  }

  /** False when no delta can be made from `since` (too old, or too many changes for one). */
  private sendDelta(viewer: LiveViewer, since: number, limit: number, now: number): boolean {
    const changes = this.deps.versions.since(since, limit, now);
    if (!changes) return false;
    const devices: FleetDevice[] = [];
    const removed = [...changes.removed];
    for (const deviceId of changes.upserts) {
      const summary = this.deps.devices.fleetDevice(deviceId);
      if (summary) devices.push(summary);
      else removed.push(deviceId);
    }
    const frame: ServerFrame = {
      type: 'delta',
      topic: FLEET,
      since,
      version: changes.version,
      online: this.deps.versions.size,
      devices,
      removed,
      at: now,
    };
    if (deliver(viewer, frame)) viewer.fleetBase = { version: changes.version, at: now };
    return true;
  }

  private join(viewer: LiveViewer, topic: string): void {
    let set = this.byTopic.get(topic);
    if (!set) this.byTopic.set(topic, (set = new Set()));
    set.add(viewer);
  }

  private leave(viewer: LiveViewer, topic: string): void {
    const set = this.byTopic.get(topic);
    set?.delete(viewer);
    if (set?.size === 0) this.byTopic.delete(topic);
  }
}

function wanted(viewer: LiveViewer, topic: string, id: number): boolean {
  return !viewer.closed && viewer.pending.get(topic) === id;
}

function send(viewer: LiveViewer, frame: ServerFrame): void {
  viewer.send(JSON.stringify(frame));
}

function deliver(viewer: LiveViewer, frame: ServerFrame): boolean {
  return deliverBytes(viewer, Buffer.from(JSON.stringify(frame)));
}

/** Sends a snapshot or delta (its UTF-8 bytes) and spends them from both of the viewer's budgets. */
function deliverBytes(viewer: LiveViewer, bytes: Buffer): boolean {
  if (!viewer.send(bytes)) return false;
  const now = Date.now();
  viewer.budget.own.snapshotBytes.spend(bytes.length, now);
  viewer.budget.user.snapshotBytes.spend(bytes.length, now);
  return true;
}
