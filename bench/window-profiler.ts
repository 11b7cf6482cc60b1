// CPU profile of the main thread over the measurement window only, through the inspector:
// `--cpu-prof` covers a process's whole life, and in a short run start-up (config
// compilation, module loading, the connection ramp) would drown the steady state.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

/** File name the summariser recognises as a main-thread window profile. */
export const WINDOW_PROFILE = 'window-main.cpuprofile';
const SAMPLING_INTERVAL_US = 200;

export class WindowProfiler {
  private session: Session | null = null;

  async start(): Promise<void> {
    if (this.session) return;
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    // 200 µs instead of the default 1 ms: a mostly idle gateway gives few samples otherwise.
    await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
    await session.post('Profiler.start');
    this.session = session;
  }

  /** Writes the profile as DIR/window-main.cpuprofile. */
  async stop(dir: string): Promise<void> {
    const session = this.session;
    if (!session) return;
    this.session = null;
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(join(dir, WINDOW_PROFILE), JSON.stringify(profile));
    session.disconnect();
  }
}
