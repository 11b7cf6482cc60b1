// The webhook delivery queue. Callers hand it a rendered delivery and return at once: it is
// never awaited by polling or storage. Each endpoint has its own lane with its own
// concurrency limit, so a slow or dead endpoint only delays itself.
//
// A failed attempt is retried after initialDelay · 2^(attempt-1), capped at maxDelay, with
// "full jitter" in the upper half (delay · (0.5 + random/2)) so endpoints that failed
// together do not get retried together. After maxAttempts the delivery is a dead letter
// until retry() replays it. Changed deliveries are saved to the DeliveryStore in the
// background, everything changed since the last save in one go (a delivery that is queued
// and delivered within one save interval is written once); stop() saves what is left. At
// start the pending ones are loaded and scheduled again, so deliveries survive a restart.
import { randomUUID } from 'node:crypto';
import type { WebhookEndpoint } from '../../domain/rules.js';
import { systemClock, type Clock } from '../../clock.js';
import type { Logger } from '../../log.js';
import { StoreBusyError, type DeliveryRecord, type DeliveryStore } from '../../storage/index.js';
import { sendWebhook, type Sender } from './webhook-sender.js';

/** What an action hands over; the queue adds the id, status and bookkeeping. */
export type NewDelivery = Pick<
  DeliveryRecord,
  'eventId' | 'eventType' | 'registrationId' | 'endpoint' | 'rule' | 'body'
>;

export interface QueueOptions {
  readonly send?: Sender;
  readonly random?: () => number;
  readonly clock?: Clock;
}

export interface QueueStats {
  /** Waiting for their next attempt, all endpoints. */
  readonly queued: number;
  readonly inFlight: number;
  readonly delivered: number;
  readonly failedAttempts: number;
  readonly dead: number;
  readonly storeErrors: number;
  readonly byEndpoint: Readonly<Record<string, { readonly queued: number; readonly inFlight: number }>>;
}

/** Changes are gathered this long before a save. */
const SAVE_DELAY_MS = 10;
/** A failed save is tried again after this, doubling up to SAVE_RETRY_MAX_MS. */
const SAVE_RETRY_MS = 20;
const SAVE_RETRY_MAX_MS = 2000;
const SAVE_ERROR_LOG_EVERY_MS = 10_000;

interface Lane {
  /** Replaced in place when rules.yml is reloaded: deliveries waiting in the lane go to the new settings. */
  endpoint: WebhookEndpoint;
  active: number;
  readonly ready: DeliveryRecord[];
}

export class DeliveryQueue {
  private readonly lanes = new Map<string, Lane>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Delivery id → endpoint, for deliveries waiting on a timer. */
  private readonly waiting = new Map<string, string>();
  /** Ids of deliveries queued or in flight, so one is never scheduled twice. */
  private readonly live = new Set<string>();
  private readonly stopController = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  /** Changed since the last save: id → the live record. */
  private readonly dirty = new Map<string, DeliveryRecord>();
  private saving: Promise<void> | null = null;
  private lastSaveErrorLog = 0;
  private running = false;
  private stopping = false;
  private readonly send: Sender;
  private readonly random: () => number;
  private readonly clock: Clock;
  private counts = { delivered: 0, failedAttempts: 0, dead: 0, storeErrors: 0 };

  constructor(
    endpoints: ReadonlyMap<string, WebhookEndpoint>,
    private readonly store: DeliveryStore,
    private readonly log: Logger,
    options: QueueOptions = {},
  ) {
    for (const endpoint of endpoints.values()) this.lanes.set(endpoint.name, { endpoint, active: 0, ready: [] });
    this.send = options.send ?? sendWebhook;
    this.random = options.random ?? Math.random;
    this.clock = options.clock ?? systemClock;
  }

  /** Loads the pending deliveries left by the last run and schedules them. */
  async start(): Promise<void> {
    this.running = true;
    let pending: DeliveryRecord[] = [];
    try {
      pending = await this.store.pending();
    } catch (err) {
      this.counts.storeErrors++;
      this.log.error({ err }, 'could not load pending webhook deliveries; they are sent after the next start');
    }
    for (const record of pending) {
      const lane = this.lanes.get(record.endpoint);
      if (!lane) {
        this.finish(record, 'dead', null, `endpoint "${record.endpoint}" is no longer in rules.yml`);
        continue;
      }
      if (lane.endpoint.enabled) this.schedule(record);
    }
    if (pending.length > 0) this.log.info({ pending: pending.length }, 'webhook deliveries resumed');
  }

  /**
   * rules.yml reloaded: each endpoint named in `changed` takes its new settings (waiting
   * deliveries included), is added, or is removed (its waiting deliveries become dead
   * letters). Other endpoints are not touched; attempts in flight finish as they started.
   */
  reconfigure(endpoints: ReadonlyMap<string, WebhookEndpoint>, changed: ReadonlySet<string>): void {
    for (const name of changed) {
      const endpoint = endpoints.get(name);
      const lane = this.lanes.get(name);
      if (endpoint && lane) {
        lane.endpoint = endpoint;
        this.pump(lane);
      } else if (endpoint) {
        this.lanes.set(name, { endpoint, active: 0, ready: [] });
      } else if (lane) {
        this.lanes.delete(name);
        // Those waiting for a retry are given up when their timer fires.
        for (const record of lane.ready.splice(0)) this.abandon(record);
      }
    }
  }

  /** A delivery whose endpoint left rules.yml. */
  private abandon(record: DeliveryRecord): void {
    this.finish(record, 'dead', null, `endpoint "${record.endpoint}" is no longer in rules.yml`);
  }

  /** Aborts attempts in flight (they stay pending), then waits for the store writes. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.waiting.clear();
    this.stopController.abort();
    await Promise.allSettled([...this.inFlight]);
    await this.settled();
  }

  /** Queues a delivery; returns its id, or null when the endpoint is unknown or disabled. */
  add(input: NewDelivery): string | null {
    const lane = this.lanes.get(input.endpoint);
    if (!lane || !lane.endpoint.enabled || !this.running) return null;
    const now = this.clock.now();
    const record: DeliveryRecord = {
      id: randomUUID(),
      ...input,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      lastStatus: null,
      lastError: null,
      lastLatencyMs: null,
      createdAt: now,
      updatedAt: now,
      deliveredAt: null,
    };
    this.markDirty(record);
    this.schedule(record);
    return record.id;
  }

  /** Replays a dead letter (or hurries a pending delivery): attempts start again from 0. */
  async retry(id: string): Promise<DeliveryRecord | null> {
    const record = await this.store.get(id);
    if (!record || record.status === 'delivered' || this.live.has(id)) return record;
    const lane = this.lanes.get(record.endpoint);
    if (!lane) throw new Error(`endpoint "${record.endpoint}" is not in rules.yml`);
    record.status = 'pending';
    record.attempts = 0;
    record.nextAttemptAt = this.clock.now();
    record.updatedAt = record.nextAttemptAt;
    this.markDirty(record);
    await this.settled();
    this.schedule(record);
    return record;
  }

  stats(): QueueStats {
    const byEndpoint: Record<string, { queued: number; inFlight: number }> = {};
    for (const [name, lane] of this.lanes) byEndpoint[name] = { queued: lane.ready.length, inFlight: lane.active };
    for (const id of this.timers.keys()) {
      const endpoint = this.waiting.get(id);
      if (endpoint !== undefined) byEndpoint[endpoint]!.queued++;
    }
    const total = (key: 'queued' | 'inFlight') => Object.values(byEndpoint).reduce((n, e) => n + e[key], 0);
    return { queued: total('queued'), inFlight: total('inFlight'), ...this.counts, byEndpoint };
  }

  /** Resolves once every state change so far is in the store (or, when stopping, given up). */
  async settled(): Promise<void> {
    while (this.saving) await this.saving;
  }

  private schedule(record: DeliveryRecord): void {
    if (!this.running) return;
    const lane = this.lanes.get(record.endpoint);
    if (!lane) return this.abandon(record);
    this.live.add(record.id);
    const delay = record.nextAttemptAt - this.clock.now();
    if (delay <= 0) {
      lane.ready.push(record);
      this.pump(lane);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(record.id);
      this.waiting.delete(record.id);
      // The lane of now: rules.yml may have been reloaded while this delivery waited.
      const current = this.lanes.get(record.endpoint);
      if (!current) return this.abandon(record);
      current.ready.push(record);
      this.pump(current);
    }, delay);
    this.timers.set(record.id, timer);
    this.waiting.set(record.id, record.endpoint);
  }

  private pump(lane: Lane): void {
    while (this.running && lane.active < lane.endpoint.concurrency && lane.ready.length > 0) {
      const record = lane.ready.shift()!;
      lane.active++;
      const attempt = this.attempt(lane.endpoint, record).finally(() => {
        lane.active--;
        this.inFlight.delete(attempt);
        this.pump(lane);
      });
      this.inFlight.add(attempt);
    }
  }

  private async attempt(endpoint: WebhookEndpoint, record: DeliveryRecord): Promise<void> {
    const request = {
      deliveryId: record.id,
      eventId: record.eventId,
      eventType: record.eventType,
      body: record.body,
      attempt: record.attempts + 1,
    };
    let result;
    try {
      result = await this.send(endpoint, request, this.stopController.signal);
    } catch (err) {
      result = { ok: false, status: null, error: String(err), latencyMs: 0, aborted: false };
    }
    if (result.aborted) {
      // dtuhub is stopping: the attempt does not count; the delivery stays pending.
      this.live.delete(record.id);
      return;
    }
    record.attempts++;
    record.lastStatus = result.status;
    record.lastError = result.error;
    record.lastLatencyMs = Math.round(result.latencyMs);
    if (result.ok) {
      this.finish(record, 'delivered', result.status, null);
      return;
    }
    this.counts.failedAttempts++;
    if (record.attempts >= endpoint.maxAttempts) {
      this.log.warn(
        { delivery: record.id, endpoint: endpoint.name, event: record.eventId, error: result.error },
        'webhook delivery failed for good; now a dead letter',
      );
      this.finish(record, 'dead', result.status, result.error);
      return;
    }
    record.nextAttemptAt = this.clock.now() + this.backoff(endpoint, record.attempts);
    record.updatedAt = this.clock.now();
    this.markDirty(record);
    this.live.delete(record.id);
    this.schedule(record);
  }

  private finish(
    record: DeliveryRecord,
    status: 'delivered' | 'dead',
    httpStatus: number | null,
    error: string | null,
  ): void {
    const now = this.clock.now();
    record.status = status;
    record.lastStatus = httpStatus ?? record.lastStatus;
    record.lastError = error;
    record.updatedAt = now;
    if (status === 'delivered') {
      record.deliveredAt = now;
      this.counts.delivered++;
    } else this.counts.dead++;
    this.live.delete(record.id);
    this.markDirty(record);
  }

  /** Delay before attempt n + 1 after n failed ones. */
  private backoff(endpoint: WebhookEndpoint, failed: number): number {
    const base = Math.min(endpoint.backoffMaxMs, endpoint.backoffInitialMs * 2 ** Math.min(failed - 1, 30));
    return Math.round(base * (0.5 + this.random() / 2));
  }

  private markDirty(record: DeliveryRecord): void {
    this.dirty.set(record.id, record);
    this.saving ??= this.saveLoop().finally(() => {
      this.saving = null;
    });
  }

  private async saveLoop(): Promise<void> {
    let retryMs = SAVE_RETRY_MS;
    let delay = SAVE_DELAY_MS;
    while (this.dirty.size > 0) {
      if (!this.stopping) await new Promise((resolve) => setTimeout(resolve, delay));
      // Copies: the live records keep changing while the save is under way.
      const batch = [...this.dirty.values()].map((r) => ({ ...r }));
      this.dirty.clear();
      try {
        await this.store.save(batch);
        retryMs = SAVE_RETRY_MS;
        delay = SAVE_DELAY_MS;
      } catch (err) {
        // Changes made meanwhile are newer than the copies; keep those.
        for (const r of batch) if (!this.dirty.has(r.id)) this.dirty.set(r.id, r);
        if (!(err instanceof StoreBusyError)) this.saveFailed(err);
        if (this.stopping && !(err instanceof StoreBusyError && retryMs < SAVE_RETRY_MAX_MS)) {
          this.log.error({ unsaved: this.dirty.size }, 'webhook delivery state not saved at stop');
          this.dirty.clear();
          return;
        }
        delay = retryMs;
        retryMs = Math.min(SAVE_RETRY_MAX_MS, retryMs * 2);
        if (this.stopping) await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private saveFailed(err: unknown): void {
    this.counts.storeErrors++;
    const now = Date.now();
    if (now - this.lastSaveErrorLog < SAVE_ERROR_LOG_EVERY_MS) return;
    this.lastSaveErrorLog = now;
    this.log.error({ err }, 'webhook delivery state could not be saved; retrying');
  }
}
