// What both `dtuhub simulate` modes share: the profile the slaves serve, and running until
// a signal or the --duration ends the run.
import type { DeviceProfile, DtuhubConfig } from '../domain/config.js';

/** The profile named by --profile, else the devices' default, else the first one. */
export function resolveProfile(args: { readonly profile: string | null }, config: DtuhubConfig): DeviceProfile {
  const { points } = config;
  const fallbackProfile = points.devices.find((d) => d.kind === 'default')?.profile ?? points.profiles.keys().next().value;
  const profileName = args.profile ?? fallbackProfile;
  const profile = profileName === undefined ? undefined : points.profiles.get(profileName);
  if (!profile) throw new Error(`unknown profile "${profileName ?? ''}"; known: ${[...points.profiles.keys()].join(', ')}`);
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
