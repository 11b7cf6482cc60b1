// What both `dtuhub simulate` modes share: their arguments, the profile the slaves serve,
// and running until a signal or the --duration ends the run.
import type { DeviceProfile, DtuhubConfig } from '../domain/config.js';
import type { TargetAddress } from '../simulator/index.js';

export const SERVE_MODES = ['modbus-tcp', 'rtu-over-tcp', 'mc'] as const;
export type ServeMode = (typeof SERVE_MODES)[number];

/** Where progress lines go; a pino logger fits, so does a test's array of lines. */
export interface SimulateLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface SimulateArgs {
  readonly devices: number;
  readonly target: TargetAddress | null;
  readonly configDir: string;
  readonly link: string | null;
  readonly profile: string | null;
  readonly idPrefix: string;
  readonly startId: number;
  readonly idWidth: number;
  readonly heartbeatIntervalMs: number | null;
  readonly responseDelayMs: number;
  readonly pushIntervalMs: number;
  /** Run time; null runs until SIGINT/SIGTERM. */
  readonly durationMs: number | null;
  readonly connectRate: number;
  readonly reconnect: boolean;
  /** Listen as Modbus TCP devices, RTU-over-TCP servers or MC CPUs instead of connecting out. */
  readonly serve: ServeMode | null;
  /** --serve: address of the first device; device i listens on port + i. */
  readonly listen: TargetAddress | null;
  /** --serve modbus-tcp: what a request to a unit id that is not served gets. */
  readonly unknownUnit: 'silent' | 'gateway-exception';
  /** --serve mc: the server.yml `mc` channel whose frame code and tags the CPUs serve. */
  readonly channel: string | null;
}

/** The profile named by --profile, else the devices' default, else the first one. */
export function resolveProfile(args: { readonly profile: string | null }, config: DtuhubConfig): DeviceProfile {
  const { points } = config;
  const fallbackProfile =
    points.devices.find((d) => d.kind === 'default')?.profile ?? points.profiles.keys().next().value;
  const profileName = args.profile ?? fallbackProfile;
  const profile = profileName === undefined ? undefined : points.profiles.get(profileName);
  if (!profile)
    throw new Error(`unknown profile "${profileName ?? ''}"; known: ${[...points.profiles.keys()].join(', ')}`);
  return profile;
}

/** Resolves with what ended the run: the signal's name, or `duration`. */
export function runUntilStopped(durationMs: number | null): Promise<string> {
  return new Promise<string>((resolve) => {
    const done = (reason: string): void => {
      process.removeListener('SIGINT', done);
      process.removeListener('SIGTERM', done);
      if (timer) clearTimeout(timer);
      resolve(reason);
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    const timer = durationMs === null ? null : setTimeout(() => done('duration'), durationMs);
  });
}

/** `1502-1504` for consecutive ports, else the list. */
export function portList(ports: readonly number[]): string {
  const consecutive = ports.every((p, i) => p === ports[0]! + i);
  return consecutive && ports.length > 1 ? `${ports[0]}-${ports.at(-1)}` : ports.join(', ');
}
