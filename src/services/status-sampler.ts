// Rates for the status page, sampled once a second from the gateway counters and the
// bus: transactions/s, points/s, heartbeats/s over the last 10 s, and the process's CPU
// over the last 5 s. One timer for the whole server, whatever the number of viewers.
import type { EventBus } from '../bus.js';
import type { GatewayEvents } from '../domain/events.js';
import type { GatewayCounters } from '../gateway/counters.js';

interface Snapshot {
  readonly at: number;
  readonly requests: number;
  readonly heartbeats: number;
  readonly points: number;
  readonly cpuMicros: number;
}

export interface Rates {
  readonly windowMs: number;
  readonly transactionsPerSec: number;
  readonly pointsPerSec: number;
  readonly heartbeatsPerSec: number;
}

/** Counted in memory since the later of server-local midnight and the server's start. */
export interface TodayCounts {
  readonly since: number;
  readonly points: number;
  readonly heartbeats: number;
}

export interface ProcessUsage {
  readonly pid: number;
  /** Percent of one core over the last CPU window. */
  readonly cpuPercent: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
}

const TICK_MS = 1000;
const RATE_WINDOW = 10;
const CPU_WINDOW = 5;

export class StatusSampler {
  private readonly snapshots: Snapshot[] = [];
  private points = 0;
  private today = { since: Date.now(), points: 0, heartbeats: 0 };
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly counters: GatewayCounters,
    private readonly bus: EventBus<GatewayEvents>,
  ) {}

  start(): void {
    if (this.timer) return;
    const offData = this.bus.on('data', (e) => {
      this.points += e.samples.length;
      this.rollDay().points += e.samples.length;
    });
    const offHeartbeat = this.bus.on('heartbeat', () => {
      this.rollDay().heartbeats++;
    });
    this.unsubscribe = () => {
      offData();
      offHeartbeat();
    };
    this.sample();
    this.timer = setInterval(() => this.sample(), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  rates(): Rates {
    const now = this.current();
    const first = this.snapshots[Math.max(0, this.snapshots.length - RATE_WINDOW)] ?? now;
    const seconds = (now.at - first.at) / 1000;
    const rate = (pick: (s: Snapshot) => number) => (seconds > 0 ? round((pick(now) - pick(first)) / seconds) : 0);
    return {
      windowMs: now.at - first.at,
      transactionsPerSec: rate((s) => s.requests),
      pointsPerSec: rate((s) => s.points),
      heartbeatsPerSec: rate((s) => s.heartbeats),
    };
  }

  todayCounts(): TodayCounts {
    return { ...this.rollDay() };
  }

  /** Starts a new day's counts after local midnight. */
  private rollDay(): { since: number; points: number; heartbeats: number } {
    const midnight = new Date();
    midnight.setHours(0, 0, 0, 0);
    if (this.today.since < midnight.getTime()) this.today = { since: midnight.getTime(), points: 0, heartbeats: 0 };
    return this.today;
  }

  process(): ProcessUsage {
    const now = this.current();
    const first = this.snapshots[Math.max(0, this.snapshots.length - CPU_WINDOW)] ?? now;
    const elapsedMicros = (now.at - first.at) * 1000;
    const memory = process.memoryUsage();
    return {
      pid: process.pid,
      cpuPercent: elapsedMicros > 0 ? round((100 * (now.cpuMicros - first.cpuMicros)) / elapsedMicros) : 0,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      heapTotalBytes: memory.heapTotal,
    };
  }

  private sample(): void {
    this.snapshots.push(this.current());
    if (this.snapshots.length > RATE_WINDOW + 1) this.snapshots.shift();
  }

  private current(): Snapshot {
    const cpu = process.cpuUsage();
    return {
      at: Date.now(),
      requests: this.counters.requestsSent,
      heartbeats: this.counters.heartbeats,
      points: this.points,
      cpuMicros: cpu.user + cpu.system,
    };
  }
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
