// Loads `server.yml`, `points.yml` and (when present) `rules.yml` from a config directory:
// parse (keeping positions),
// substitute `${ENV}`, validate against the JSON Schemas, compile with cross-field checks,
// deep-freeze. Any problem anywhere → one ConfigError listing all of them.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DtuhubConfig } from '../domain/config.js';
import { noRules } from '../domain/rules.js';
import { compileRules } from './compile-rules.js';
import { compilePoints, checkUnsolicitedDecodable } from './compile-points.js';
import { compileServer } from './compile-server.js';
import { known } from './compile-devices.js';
import { substituteEnv } from './env.js';
import { ConfigError, sortIssues, type ConfigIssue } from './errors.js';
import { deepFreeze } from './freeze.js';
import {
  defaultServerYaml,
  validatePointsSchema,
  validateRulesSchema,
  validateServerSchema,
} from './validate-schema.js';
import { DUPLICATE_KEY_MESSAGE, IssueSink, parseYamlSource, type YamlSource } from './yaml-source.js';
import { explicitResolutionProblem, resolveTimerResolution } from './timer-resolution.js';

export const SERVER_FILE = 'server.yml';
export const POINTS_FILE = 'points.yml';
/** Optional: without it there are no rules. */
export const RULES_FILE = 'rules.yml';

export { ConfigError, formatConfigIssues, type ConfigIssue } from './errors.js';

/**
 * Candidate contents by file name (`points.yml`, …) read instead of the files on disk: the
 * config editor checks an edit with the same loader before anything is written.
 */
export type ConfigOverlay = Readonly<Partial<Record<string, string>>>;

export function loadConfig(
  configDir: string,
  env: NodeJS.ProcessEnv = process.env,
  overlay: ConfigOverlay = {},
): DtuhubConfig {
  const issues: ConfigIssue[] = [];
  const serverFile = readSource(join(configDir, SERVER_FILE), env, issues, overlay[SERVER_FILE]);
  const pointsFile = readSource(join(configDir, POINTS_FILE), env, issues, overlay[POINTS_FILE]);

  // An unusable server.yml (not a mapping, or missing) is compiled as all defaults: its
  // problems are reported already, and points.yml is still checked.
  const serverYaml = validateServerSchema(serverFile.data, serverFile.sink) ?? defaultServerYaml();
  // Names as declared, before the schema drops broken entries: a reference to a broken
  // link or profile is not reported again as unknown.
  const declaredLinks = new Set(Object.keys(asRecord(asRecord(pointsFile.data)['links'])));
  const declaredProfiles = new Set(Object.keys(asRecord(asRecord(pointsFile.data)['profiles'])));
  const pointsYaml = validatePointsSchema(pointsFile.data, pointsFile.sink);

  const { server: draft, listeners, channels } = compileServer(serverYaml, serverFile.sink);
  const { points, compiledProfiles } = compilePoints(pointsYaml, declaredProfiles, pointsFile.sink);

  // Listener → link is the one reference between the two files; without a readable
  // points.yml every listener would be reported, repeating the real problem.
  for (const { listener, index } of pointsFile.readable ? listeners : []) {
    for (const link of listener.links) {
      if (declaredLinks.has(link)) continue;
      serverFile.sink.add(
        ['listeners', index, 'link'],
        `unknown link "${link}" in ${POINTS_FILE}${known(declaredLinks)}`,
      );
    }
  }
  if (pointsFile.readable) {
    for (const { channel, index } of channels) {
      if (channel.type !== 'modbus-tcp' && channel.type !== 'rtu-over-tcp') continue;
      if (channel.profile !== null && !declaredProfiles.has(channel.profile)) {
        serverFile.sink.add(
          ['channels', index, 'profile'],
          `unknown profile "${channel.profile}" in ${POINTS_FILE}${known(declaredProfiles)}`,
        );
      }
      if (channel.type === 'rtu-over-tcp' && channel.link !== null && !declaredLinks.has(channel.link)) {
        serverFile.sink.add(
          ['channels', index, 'link'],
          `unknown link "${channel.link}" in ${POINTS_FILE}${known(declaredLinks)}`,
        );
      }
      // A preset device means no registration is read, so a prefix on every packet could never be stripped.
      if (
        channel.type === 'rtu-over-tcp' &&
        channel.device !== null &&
        channel.link !== null &&
        points.links.get(channel.link)?.registration.mode === 'every-packet'
      ) {
        serverFile.sink.add(
          ['channels', index, 'device'],
          `link "${channel.link}" prefixes every packet with the registration: leave device unset so the DTU's registration is read (the profile then comes from devices in ${POINTS_FILE})`,
        );
      }
    }
  }
  if (pointsFile.readable) {
    const problem = explicitResolutionProblem(draft.sessions, points);
    if (problem) serverFile.sink.add(['sessions', 'timerResolution'], problem);
  }
  const server = { ...draft, sessions: resolveTimerResolution(draft.sessions, points) };
  const linksInUse = [
    ...listeners.flatMap(({ listener }) => listener.links),
    ...channels.map(({ channel }) => (channel.type === 'rtu-over-tcp' ? channel.link : null)),
  ];
  const unsolicitedInUse = linksInUse.some(
    (name) => name !== null && points.links.get(name)?.framing === 'unsolicited',
  );
  if (unsolicitedInUse) checkUnsolicitedDecodable(compiledProfiles, pointsFile.sink);

  let rules = noRules();
  const rulesPath = join(configDir, RULES_FILE);
  if (overlay[RULES_FILE] !== undefined || existsSync(rulesPath)) {
    const rulesFile = readSource(rulesPath, env, issues, overlay[RULES_FILE]);
    if (rulesFile.readable) {
      const rulesYaml = validateRulesSchema(rulesFile.data, rulesFile.sink);
      // Point and profile references are only checked against a points.yml that loaded.
      rules = compileRules(rulesYaml, rulesPath, pointsFile.readable ? points : null, rulesFile.sink);
    }
  }

  if (issues.length > 0) throw new ConfigError(sortIssues(issues));
  return deepFreeze({ configDir, server, points, rules });
}

interface LoadedFile {
  readonly data: unknown;
  /** False when the file is missing or not valid YAML. */
  readonly readable: boolean;
  readonly sink: IssueSink;
}

/** Reads (or takes the candidate text) and parses one file; a missing or unparsable file yields `data: undefined`. */
function readSource(path: string, env: NodeJS.ProcessEnv, issues: ConfigIssue[], candidate?: string): LoadedFile {
  let text: string;
  try {
    text = candidate ?? readFileSync(path, 'utf8');
  } catch (err) {
    const reason =
      (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot read: ${(err as Error).message}`;
    issues.push({ file: path, line: null, column: null, field: '', message: reason });
    return { data: undefined, readable: false, sink: new IssueSink(path, null, []) };
  }
  const { source, issues: syntax } = parseYamlSource(path, text);
  const sink = new IssueSink(path, source, issues);
  issues.push(...syntax);
  // A duplicate key leaves a usable document (the later entry wins), so checking goes on;
  // any other syntax error would mostly produce follow-on noise.
  if (syntax.some((i) => !i.message.startsWith(DUPLICATE_KEY_MESSAGE))) {
    return { data: undefined, readable: false, sink: new IssueSink(path, source, []) };
  }
  substituteEnv(source, env, sink);
  return { data: toData(source), readable: true, sink };
}

function toData(source: YamlSource): unknown {
  return source.doc.toJS({ maxAliasCount: 1000 });
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
