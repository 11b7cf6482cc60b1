// Polls one DTU's slaves on the profile's schedules: every N ms, on each heartbeat, and
// once on connect. The core owns the timers; the read plan was compiled once from config.

import type { EventBus } from '../bus.js';
import type { DeviceProfile, ReadBlock, SessionLimits, TaskPlan } from '../domain/config.js';
import type { GatewayEvents } from '../domain/events.js';
import {
  TickScheduler,
  type Clock,
  type ModbusTransport,
  type TickJob,
  type Transaction,
  type TransactionOutcome,
} from '../link/index.js';
import type { UnsolicitedFrame } from '../protocol/dtu/stream-parser.js';
import { decodeErrorStatus } from '../protocol/dlt645/index.js';
import { readByteCount } from '../protocol/modbus/functions.js';
import { compileBlock, type CompiledBlock } from './block-decoder.js';
import { meterAnswer, meterPolls, type DiscoveredAddresses, type MeterPoll } from './meter-polls.js';
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

/** A block's poll as a queue entry, built once per DTU: a poll then allocates nothing. */
interface PollTransaction extends Transaction {
  readonly slave: number;
}

/** Queue keys (`task#block`) are the same for every DTU of a profile: one string each. */
const keysByTask = new WeakMap<TaskPlan, readonly string[]>();

function pollKeys(task: TaskPlan): readonly string[] {
  let keys = keysByTask.get(task);
  if (!keys) {
    keys = task.blocks.map((_, index) => `${task.name}#${index}`);
    keysByTask.set(task, keys);
  }
  return keys;
}

export interface PollerDeps {
  readonly deviceId: string;
  readonly profile: DeviceProfile;
  /** Where polls go: a DTU's TransactionQueue, or a Modbus TCP channel's pipeline. */
  readonly queue: Pick<ModbusTransport, 'enqueue'>;
  /** Where poll results go: the bus, or a channel that counts them on the way. */
  readonly bus: Pick<EventBus<GatewayEvents>, 'emit'>;
  readonly limits: Pick<SessionLimits, 'connectStaggerMs'>;
  readonly clock: Clock;
  /** The gateway's shared scheduler; without one the poller keeps exact timers of its own. */
  readonly scheduler?: TickScheduler;
  readonly random?: () => number;
}

export class DevicePoller {
  private readonly jobs: TickJob[] = [];
  private readonly scheduler: TickScheduler;
  private health: SlaveHealth;
  /** The polls of each task, in the order of `profile.tasks`. */
  private polls: readonly (readonly PollTransaction[])[];
  private heartbeatPolls: readonly (readonly PollTransaction[])[];
  private unsolicitedBlocks: Map<string, ReadBlock> | null = null;
  /** Addresses `discover` meters gave (kept across replans: the meter is the same). */
  private readonly discovered: DiscoveredAddresses = new Map();
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

  constructor(private deps: PollerDeps) {
    this.scheduler = deps.scheduler ?? new TickScheduler(1);
    this.health = new SlaveHealth(deps.profile.timing);
    this.polls = this.compile(deps.profile);
    this.heartbeatPolls = this.heartbeatOnly(deps.profile);
  }

  start(): void {
    this.plan(false);
  }

  /**
   * The device's profile changed (points.yml reloaded): the old schedules are cancelled and
   * the new plan's interval tasks run within their first period (spread over it), so every
   * changed poll runs on the new plan within one cycle. Counters, the last data time and
   * (when the timing is the same) slave backoff carry over; `connect` tasks do not run again.
   */
  replan(profile: DeviceProfile): void {
    if (this.stopped) return;
    this.cancelJobs();
    if (JSON.stringify(profile.timing) !== JSON.stringify(this.deps.profile.timing)) {
      this.health = new SlaveHealth(profile.timing);
    }
    this.deps = { ...this.deps, profile };
    this.polls = this.compile(profile);
    this.heartbeatPolls = this.heartbeatOnly(profile);
    this.unsolicitedBlocks = null;
    this.plan(true);
  }

  private compile(profile: DeviceProfile): PollTransaction[][] {
    return profile.tasks.map((task) => {
      const keys = pollKeys(task);
      const meters = meterPolls(task, this.discovered, (poll, outcome) => this.settleMeter(poll, outcome));
      return task.blocks
        .map((block, index): PollTransaction => {
          const compiled = compileBlock(block);
          const { request, expectation } = compiled;
          return {
            request,
            expectation,
            key: keys[index]!,
            slave: block.slave,
            done: (outcome) => this.settle(compiled, outcome),
          };
        })
        .concat(meters);
    });
  }

  private heartbeatOnly(profile: DeviceProfile): (readonly PollTransaction[])[] {
    return this.polls.filter((_, i) => profile.tasks[i]!.schedule.kind === 'heartbeat');
  }

  /** Schedules every task; `resumed`: a new plan for a running device, not a new connection. */
  private plan(resumed: boolean): void {
    const { profile, limits } = this.deps;
    const random = this.deps.random ?? Math.random;
    for (const [i, task] of profile.tasks.entries()) {
      const schedule = task.schedule;
      const polls = this.polls[i]!;
      if (resumed) {
        if (schedule.kind === 'interval') this.later(Math.floor(random() * schedule.everyMs), schedule.everyMs, polls);
        continue;
      }
      // Spread first polls: after a carrier outage many DTUs register at the same moment.
      const jitter = Math.floor(random() * limits.connectStaggerMs);
      if (schedule.kind === 'connect') {
        this.later(jitter, 0, polls);
      } else if (schedule.kind === 'interval') {
        const first = (profile.pollOnConnect ? 0 : schedule.everyMs) + Math.min(jitter, schedule.everyMs);
        this.later(first, schedule.everyMs, polls);
      }
    }
  }

  stop(): void {
    this.stopped = true;
    this.cancelJobs();
  }

  private cancelJobs(): void {
    for (const job of this.jobs) this.scheduler.cancel(job);
    this.jobs.length = 0;
  }

  onHeartbeat(): void {
    for (const polls of this.heartbeatPolls) this.run(polls);
  }

  /** Unsolicited framing: decode a pushed response against the block it answers. */
  onUnsolicited(buf: Uint8Array, frame: UnsolicitedFrame): boolean {
    if (frame.kind !== 'frame') return false;
    const block = this.blockFor(frame.slave, frame.fn, frame.byteCount);
    if (!block) return false;
    const at = this.deps.clock.now();
    this.health.success(block.slave, at);
    this.publish(compileBlock(block), buf, frame.dataOffset, at, at);
    return true;
  }

  /** Each slave's poll state; a meter's with its address (null: `discover` not answered yet). */
  slaves(): (SlaveState & { readonly meterAddress?: string | null })[] {
    const meters = new Map(this.deps.profile.slaves.map((s) => [s.id, s.meter]));
    return this.health.snapshot(this.deps.profile.slaves.map((s) => s.id)).map((state) => {
      const meter = meters.get(state.slave);
      if (!meter) return state;
      return { ...state, meterAddress: meter.address ?? this.discovered.get(state.slave) ?? null };
    });
  }

  private later(delayMs: number, everyMs: number, polls: readonly PollTransaction[]): void {
    const job = this.scheduler.job(() => this.run(polls));
    this.scheduler.schedule(job, delayMs, everyMs);
    this.jobs.push(job);
  }

  private run(polls: readonly PollTransaction[]): void {
    if (this.stopped) return;
    const now = this.deps.clock.now();
    for (const tx of polls) {
      if (!this.health.canPoll(tx.slave, now)) {
        this.counters.skippedBackoff++;
        continue;
      }
      if (this.deps.queue.enqueue(tx)) this.counters.polls++;
      else this.counters.skippedOverrun++;
    }
  }

  private settle(compiled: CompiledBlock, outcome: TransactionOutcome): void {
    const { deviceId, bus } = this.deps;
    const { block } = compiled;
    switch (outcome.kind) {
      case 'ok': {
        this.counters.ok++;
        if (this.health.success(block.slave, outcome.at)) {
          bus.emit('slave.recovered', { deviceId, slave: block.slave, at: outcome.at });
        }
        this.publish(compiled, outcome.buf, outcome.dataOffset, outcome.sentAt, outcome.at);
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

  /** A meter read's outcome: the same counters, events and slave backoff as a Modbus block's. */
  private settleMeter(poll: MeterPoll, outcome: TransactionOutcome): void {
    const { deviceId, bus } = this.deps;
    const { slave, fn } = poll;
    const { identifier } = poll.read.point;
    const where = {
      deviceId,
      slave,
      fn,
      address: identifier!.di,
      protocol: 'dlt645',
      identifier: identifier!.name,
    } as const;
    if (outcome.kind === 'closed') return;
    if (outcome.kind === 'timeout' || outcome.kind === 'bad-response') {
      if (outcome.kind === 'timeout') this.counters.timeouts++;
      else this.counters.badResponses++;
      bus.emit('poll.failed', { ...where, quantity: 1, at: outcome.at, reason: outcome.kind });
      this.failed(poll, outcome.at);
      return;
    }
    // An answer, even a refusal, says the meter is alive.
    if (this.health.success(slave, outcome.at)) bus.emit('slave.recovered', { deviceId, slave, at: outcome.at });
    if (outcome.kind === 'exception') {
      this.counters.exceptions++;
      const reasons = decodeErrorStatus(poll.read.meter.version, outcome.code);
      bus.emit('poll.exception', { ...where, at: outcome.at, code: outcome.code, reasons });
      return;
    }
    this.counters.ok++;
    const answer = meterAnswer(poll, deviceId, outcome.buf, outcome.dataOffset, outcome.dataLength, outcome.at);
    if (answer.kind === 'discovered') {
      this.discovered.set(slave, answer.address);
      // Now addressed, the same entry is the read itself: straight back into the queue.
      if (!this.stopped && this.deps.queue.enqueue(poll)) this.counters.polls++;
    } else if (answer.kind === 'invalid') this.counters.invalidValues++;
    else {
      this.counters.samples++;
      this.lastDataAt = outcome.at;
      bus.emit('data', { deviceId, samples: [answer.sample], polledAt: outcome.sentAt, at: outcome.at });
    }
  }

  private failed(block: { readonly slave: number }, at: number): void {
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

  private publish(compiled: CompiledBlock, buf: Uint8Array, dataOffset: number, polledAt: number, at: number): void {
    const { samples, invalid } = compiled.decode(this.deps.deviceId, buf, dataOffset, at);
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
