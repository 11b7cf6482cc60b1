// Reads the .cpuprofile files `node --cpu-prof` writes and sums self time per function
// and per area of the code, so the report can say where a missed goal's time goes.
//
//   node dist/bench/cpu-profile-summary.js DIR
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WINDOW_PROFILE } from './window-profiler.js';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

export interface HotSpot {
  readonly name: string;
  readonly where: string;
  /** Share of the profile's non-idle samples. */
  readonly share: number;
}

export interface ProfileSummary {
  readonly file: string;
  /** Busy (non-idle) sampled time, ms. */
  readonly busyMs: number;
  readonly areas: readonly { readonly area: string; readonly share: number }[];
  readonly top: readonly HotSpot[];
}

/** Groups a frame by what it belongs to: our modules by folder, Node internals, natives, GC. */
export function areaOf(url: string, name: string): string {
  if (name === '(garbage collector)') return 'garbage collection';
  if (name === '(program)') return 'V8/native (program)';
  if (url === '') return name.startsWith('(') ? name : 'native (builtins, C++)';
  const ours = /\/(src|bench)\/(.+)\.[jt]s$/.exec(url);
  if (ours && !url.includes('node_modules')) {
    if (ours[1] === 'bench') return 'bench';
    const parts = ours[2]!.split('/');
    return `src/${parts.length > 1 ? parts.slice(0, -1).join('/') : parts[0]}`;
  }
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (module) return `npm:${module[1]}`;
  if (url.startsWith('node:')) {
    const lib = url.slice('node:'.length).split('/');
    return `node:${lib[0] === 'internal' ? (lib[1] ?? 'internal') : lib[0]}`;
  }
  return url;
}

export function summarizeProfile(path: string, topN = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Weight each sample by its time delta when present (the sampling interval varies).
  const selfUs = new Map<number, number>();
  if (profile.samples && profile.timeDeltas && profile.samples.length === profile.timeDeltas.length) {
    for (let i = 0; i < profile.samples.length; i++) {
      const id = profile.samples[i]!;
      const next = profile.timeDeltas[i + 1] ?? 0;
      selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, next));
    }
  } else {
    const total = profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0);
    const perHit = total > 0 ? (profile.endTime - profile.startTime) / total : 0;
    for (const n of profile.nodes) selfUs.set(n.id, (n.hitCount ?? 0) * perHit);
  }
  const functions = new Map<string, { name: string; where: string; us: number }>();
  const areas = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node || us === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    busy += us;
    const name = functionName || '(anonymous)';
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
    const key = `${name}@${where}`;
    const entry = functions.get(key) ?? { name, where, us: 0 };
    entry.us += us;
    functions.set(key, entry);
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + us);
  }
  const share = (us: number) => (busy > 0 ? us / busy : 0);
  return {
    file: path,
    busyMs: busy / 1000,
    areas: [...areas].sort((a, b) => b[1] - a[1]).map(([area, us]) => ({ area, share: share(us) })),
    top: [...functions.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, topN)
      .map((f) => ({ name: f.name, where: f.where, share: share(f.us) })),
  };
}

/** Node names --cpu-prof files CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; thread 0 is the main one. */
export function threadOf(file: string): number | null {
  const m = /\.(\d+)\.(\d+)\.(\d+)\.cpuprofile$/.exec(file);
  return m ? Number(m[2]) : null;
}

/**
 * Every profile in `dir`, except that a main-thread window profile (WINDOW_PROFILE) stands
 * in for the whole-life main-thread profile --cpu-prof wrote next to it.
 */
export function summarizeProfiles(dir: string, topN = 15): ProfileSummary[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const hasWindow = files.includes(WINDOW_PROFILE);
  return files
    .filter((f) => !(hasWindow && threadOf(f) === 0))
    .sort()
    .map((f) => summarizeProfile(join(dir, f), topN));
}

function shortUrl(url: string): string {
  const i = url.search(/\/(src|bench|node_modules)\//);
  return i >= 0 ? url.slice(i + 1) : url.replace(/^file:\/\//, '');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: cpu-profile-summary DIR');
  for (const s of summarizeProfiles(dir)) {
    console.log(`\n${s.file}: ${s.busyMs.toFixed(0)} ms busy`);
    for (const a of s.areas.slice(0, 12)) console.log(`  ${(a.share * 100).toFixed(1).padStart(5)}%  ${a.area}`);
    console.log('  top functions (self time):');
    for (const f of s.top) console.log(`  ${(f.share * 100).toFixed(1).padStart(5)}%  ${f.name}  ${f.where}`);
  }
}
