// Polls one DTU's slaves on the profile's schedules: every N ms, on each heartbeat, and
// once on connect. The core owns the timers; the read plan was compiled once from config.

import type { EventBus } from '../bus.js';
import type { DeviceProfile, ReadBlock, SessionLimits, TaskPlan } from '../domain/config.js';
import type { GatewayEvents } from '../domain/events.js';
import type { Clock, TransactionOutcome, TransactionQueue } from '../gateway/transaction-queue.js';
import type { UnsolicitedFrame } from '../protocol/dtu/stream-parser.js';
import { readByteCount } from '../protocol/modbus/functions.js';
import { blockRequest, decodeBlock } from './block-decoder.js';
import { SlaveHealth, type SlaveState } from './slave-health.js';

/** Exception codes that mean "no answer from the slave", as far as health is concerned. */
const UNREACHABLE_EXCEPTIONS = new Set([10, 11]);

export interface PollerCounters {
  polls: number;
  ok: number;
  timeouts: number;
  badResponses: number;
  exceptions: number;
  skippedBackoff: number;
  skippedOverrun: number;
  invalidValues: number;
  samples: number;
}

export interface PollerDeps {
  readonly deviceId: string;
  readonly profile: DeviceProfile;
  readonly queue: TransactionQueue;
  readonly bus: EventBus<GatewayEvents>;
  readonly limits: Pick<SessionLimits, 'connectStaggerMs'>;
  readonly clock: Clock;
  readonly random?: () => number;
}

export class DevicePoller {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly health: SlaveHealth;
  private readonly heartbeatTasks: readonly TaskPlan[];
  private unsolicitedBlocks: Map<string, ReadBlock> | null = null;
  private stopped = false;
  readonly counters: PollerCounters = {
    polls: 0,
    ok: 0,
    timeouts: 0,
    badResponses: 0,
    exceptions: 0,
    skippedBackoff: 0,
    skippedOverrun: 0,
    invalidValues: 0,
    samples: 0,
  };
  lastDataAt: number | null = null;

  constructor(private readonly deps: PollerDeps) {
    this.health = new SlaveHealth(deps.profile.timing);
    this.heartbeatTasks = deps.profile.tasks.filter((t) => t.schedule.kind === 'heartbeat');
  }

  start(): void {
    const { profile, limits } = this.deps;
    const random = this.deps.random ?? Math.random;
    for (const task of profile.tasks) {
      const schedule = task.schedule;
      // Spread first polls: after a carrier outage many DTUs register at the same moment.
      const jitter = Math.floor(random() * limits.connectStaggerMs);
      if (schedule.kind === 'connect') {
        this.later(jitter, () => this.run(task));
      } else if (schedule.kind === 'interval') {
        const first = (profile.pollOnConnect ? 0 : schedule.everyMs) + Math.min(jitter, schedule.everyMs);
        this.later(first, () => {
          this.run(task);
          if (!this.stopped) this.timers.push(setInterval(() => this.run(task), schedule.everyMs));
        });
      }
    }
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.length = 0;
  }

  onHeartbeat(): void {
    for (const task of this.heartbeatTasks) this.run(task);
  }

  /** Unsolicited framing: decode a pushed response against the block it answers. */
  onUnsolicited(buf: Uint8Array, frame: UnsolicitedFrame): boolean {
    if (frame.kind !== 'frame') return false;
    const block = this.blockFor(frame.slave, frame.fn, frame.byteCount);
    if (!block) return false;
    const at = this.deps.clock.now();
    this.health.success(block.slave, at);
    this.publish(block, buf, frame.dataOffset, at, at);
    return true;
  }

  slaves(): SlaveState[] {
    return this.health.snapshot(this.deps.profile.slaves.map((s) => s.id));
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(fn, ms);
    this.timers.push(timer);
  }

  private run(task: TaskPlan): void {
    if (this.stopped) return;
    const now = this.deps.clock.now();
    task.blocks.forEach((block, index) => {
      if (!this.health.canPoll(block.slave, now)) {
        this.counters.skippedBackoff++;
        return;
      }
      const { request, expectation } = blockRequest(block);
      const queued = this.deps.queue.enqueue({
        request,
        expectation,
        key: `${task.name}#${index}`,
        done: (outcome) => this.settle(block, outcome),
      });
      if (queued) this.counters.polls++;
      else this.counters.skippedOverrun++;
    });
  }

  private settle(block: ReadBlock, outcome: TransactionOutcome): void {
    const { deviceId, bus } = this.deps;
    switch (outcome.kind) {
      case 'ok': {
        this.counters.ok++;
        if (this.health.success(block.slave, outcome.at)) {
          bus.emit('slave.recovered', { deviceId, slave: block.slave, at: outcome.at });
        }
        this.publish(block, outcome.buf, outcome.dataOffset, outcome.sentAt, outcome.at);
        return;
      }
      case 'exception': {
        this.counters.exceptions++;
        bus.emit('poll.exception', {
          deviceId,
          slave: block.slave,
          fn: block.fn,
          address: block.address,
          at: outcome.at,
          code: outcome.code,
        });
        if (UNREACHABLE_EXCEPTIONS.has(outcome.code)) this.failed(block, outcome.at);
        else if (this.health.success(block.slave, outcome.at)) {
          bus.emit('slave.recovered', { deviceId, slave: block.slave, at: outcome.at });
        }
        return;
      }
      case 'timeout':
      case 'bad-response': {
        if (outcome.kind === 'timeout') this.counters.timeouts++;
        else this.counters.badResponses++;
        bus.emit('poll.failed', {
          deviceId,
          slave: block.slave,
          fn: block.fn,
          address: block.address,
          quantity: block.quantity,
          at: outcome.at,
          reason: outcome.kind,
        });
        this.failed(block, outcome.at);
        return;
      }
      case 'closed':
        return;
    }
  }

  private failed(block: ReadBlock, at: number): void {
    const verdict = this.health.failure(block.slave, at);
    if (verdict) {
      this.deps.bus.emit('slave.backoff', {
        deviceId: this.deps.deviceId,
        slave: block.slave,
        at,
        failures: verdict.failures,
        untilMs: verdict.backoffUntil,
      });
    }
  }

  private publish(block: ReadBlock, buf: Uint8Array, dataOffset: number, polledAt: number, at: number): void {
    const { samples, invalid } = decodeBlock(this.deps.deviceId, block, buf, dataOffset, at);
    this.counters.invalidValues += invalid;
    if (samples.length === 0) return;
    this.counters.samples += samples.length;
    this.lastDataAt = at;
    this.deps.bus.emit('data', { deviceId: this.deps.deviceId, samples, polledAt, at });
  }

  private blockFor(slave: number, fn: number, byteCount: number): ReadBlock | undefined {
    if (!this.unsolicitedBlocks) {
      this.unsolicitedBlocks = new Map();
      for (const task of this.deps.profile.tasks) {
        for (const block of task.blocks) {
          const key = `${block.slave}:${block.fn}:${readByteCount(block.fn, block.quantity)}`;
          if (!this.unsolicitedBlocks.has(key)) this.unsolicitedBlocks.set(key, block);
        }
      }
    }
    return this.unsolicitedBlocks.get(`${slave}:${fn}:${byteCount}`);
  }
}
