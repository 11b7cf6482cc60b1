// points.yml → PointsConfig: links, profiles and device rules, plus the checks that span
// them (device → profile references, blocks an unsolicited link could not tell apart).
import type { DeviceProfile, LinkConfig, PointsConfig } from '../domain/config.js';
import { responseByteCount } from '../plan/limits.js';
import { compileDevices } from './compile-devices.js';
import { compileLink } from './compile-link.js';
import { compileProfile, type CompiledProfile } from './compile-profile.js';
import type { PointsYaml } from './schema/points.schema.js';
import type { IssueSink } from './yaml-source.js';

/**
 * `raw` is null when the file could not be used. `profileNames` are the profiles the file
 * declares, valid or not, so a device rule naming a broken profile is not also "unknown".
 */
export function compilePoints(
  raw: PointsYaml | null,
  profileNames: ReadonlySet<string>,
  sink: IssueSink,
): { points: PointsConfig; compiledProfiles: readonly CompiledProfile[] } {
  const links = new Map<string, LinkConfig>();
  for (const [name, value] of Object.entries(raw?.links ?? {})) {
    const link = compileLink(name, value, ['links', name], sink);
    if (link) links.set(name, link);
  }
  const profiles = new Map<string, DeviceProfile>();
  const compiledProfiles: CompiledProfile[] = [];
  for (const [name, value] of Object.entries(raw?.profiles ?? {})) {
    const compiled = compileProfile(name, value, ['profiles', name], sink);
    profiles.set(name, compiled.profile);
    compiledProfiles.push(compiled);
  }
  const devices = compileDevices(raw?.devices ?? [], profileNames, sink);
  return { points: { links, profiles, devices }, compiledProfiles };
}

/**
 * An unsolicited DTU pushes responses with no request in flight, so a response is decoded
 * by matching (slave, function, byte count) against the profile's blocks. Two blocks with
 * the same key would be indistinguishable.
 */
export function checkUnsolicitedDecodable(profiles: readonly CompiledProfile[], sink: IssueSink): void {
  for (const { profile, taskPaths } of profiles) {
    const seen = new Map<string, { task: string; address: number }>();
    profile.tasks.forEach((task, t) => {
      for (const block of task.blocks) {
        const key = `${block.slave}/${block.fn}/${responseByteCount(block.fn, block.quantity)}`;
        const first = seen.get(key);
        if (first && first.address !== block.address) {
          sink.add(
            taskPaths[t] ?? ['profiles', profile.name],
            `unsolicited link: a response from slave ${block.slave} function ${block.fn} with ` +
              `${responseByteCount(block.fn, block.quantity)} data bytes could be address ${first.address} (task "${first.task}") ` +
              `or ${block.address} (task "${task.name}"); make the reads differ in length`,
          );
        } else if (!first) {
          seen.set(key, { task: task.name, address: block.address });
        }
      }
    });
  }
}
