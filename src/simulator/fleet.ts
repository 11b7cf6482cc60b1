// Many simulated DTUs in one process, for integration tests, the demo and the benchmark.
// Connections are opened at a bounded rate (a real fleet does not arrive in one
// millisecond unless a carrier outage ends) and share one scheduler for heartbeats.
import { systemClock, type TickScheduler } from '../link/index.js';
import { emptyCounters, type DtuCounters, type SimulatedDtuOptions } from './dtu-options.js';
import { simulatorScheduler } from './scheduler.js';
import { SimulatedDtu } from './simulated-dtu.js';

export interface FleetOptions extends Omit<SimulatedDtuOptions, 'id' | 'scheduler' | 'seed'> {
  readonly count: number;
  /** ID of the i-th DTU (0-based). */
  readonly idFor: (index: number) => string;
  /** Connections opened per second (default 1,000). */
  readonly connectRate?: number;
  /** Per-DTU overrides (faults for a few devices, another profile, …). */
  readonly optionsFor?: (index: number) => Partial<SimulatedDtuOptions> | undefined;
}

export interface FleetStats extends DtuCounters {
  readonly devices: number;
  readonly connected: number;
  /** DTUs whose first start failed (no `reconnect`) or was abandoned. */
  readonly failed: number;
}

const RAMP_TICK_MS = 10;

export class SimulatorFleet {
  private readonly dtus_: SimulatedDtu[] = [];
  private readonly byId = new Map<string, SimulatedDtu>();
  private scheduler: TickScheduler | null = null;
  private failed = 0;
  private stopping = false;

  constructor(private readonly options: FleetOptions) {}

  get dtus(): readonly SimulatedDtu[] {
    return this.dtus_;
  }

  get(id: string): SimulatedDtu | undefined {
    return this.byId.get(id);
  }

  /**
   * Creates and starts every DTU, at most `connectRate` per second. Resolves when every
   * start has settled; failures are counted in `stats().failed`, not thrown.
   */
  async start(): Promise<void> {
    const { count, idFor, optionsFor, connectRate = 1000, ...shared } = this.options;
    this.stopping = false;
    const scheduler = (this.scheduler ??= simulatorScheduler(shared.clock ?? systemClock));
    // One options object for the whole fleet unless a DTU has overrides.
    const common: Omit<SimulatedDtuOptions, 'id'> = { ...shared, scheduler };
    const starts: Promise<void>[] = [];
    const begun = Date.now();
    for (let index = 0; index < count && !this.stopping; index++) {
      const allowed = Math.floor(((Date.now() - begun) / 1000) * connectRate) + 1;
      if (index >= allowed) {
        await sleep(Math.max(RAMP_TICK_MS, Math.ceil(((index - allowed + 1) / connectRate) * 1000)));
      }
      const id = idFor(index);
      const extra = optionsFor?.(index);
      const dtu = new SimulatedDtu(extra ? { ...common, ...extra, id, scheduler } : { ...common, id });
      this.dtus_.push(dtu);
      this.byId.set(id, dtu);
      starts.push(
        dtu.start().catch((err: unknown) => {
          this.failed += 1;
          this.options.log?.warn({ err, dtu: id }, 'simulated DTU failed to start');
        }),
      );
    }
    await Promise.all(starts);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.dtus_.map((dtu) => dtu.stop()));
    this.scheduler?.clear();
  }

  /** Counters summed over every DTU. */
  stats(): FleetStats {
    const total = emptyCounters();
    let connected = 0;
    for (const dtu of this.dtus_) {
      if (dtu.connected) connected += 1;
      const c = dtu.counters;
      for (const key of Object.keys(total) as (keyof DtuCounters)[]) total[key] += c[key];
    }
    return { ...total, devices: this.dtus_.length, connected, failed: this.failed };
  }
}

/** Builds a fleet and starts it. */
export async function startFleet(options: FleetOptions): Promise<SimulatorFleet> {
  const fleet = new SimulatorFleet(options);
  await fleet.start();
  return fleet;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
