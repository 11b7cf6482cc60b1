// Editing points.yml and rules.yml from the UI (issue 18): an edit becomes a candidate text
// (the YAML spliced so comments and order stay), the whole candidate config is checked by the
// one loader, and only a valid candidate is written (atomically) and kept as a version. After
// writing, the live config reload applies it. Saves run one at a time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyYamlEdits, yamlData, type YamlEdit } from '../../config/edit/yaml-rewrite.js';
import { diffLines, type DiffLine } from '../../config/edit/line-diff.js';
import { ConfigError, loadConfig, POINTS_FILE, RULES_FILE, type ConfigIssue } from '../../config/load.js';
import type { DtuhubConfig } from '../../domain/config.js';
import type { ReloadOutcome } from '../../domain/config-reload.js';
import {
  contentDigest,
  type ConfigVersion,
  type ConfigVersionStore,
  type ConfigVersionWithContent,
} from '../../storage/index.js';
import { ServiceError } from '../errors.js';
import type { Runtime } from '../runtime.js';
import { writeFileAtomically } from './atomic-write.js';
import { targetBlocks, testRead, type TestReadOutcome, type TestTarget } from './test-read.js';

export type { YamlEdit, DiffLine };
export type { TestBlock, TestReadOutcome, TestTarget, TestValue } from './test-read.js';

/** The files the editor writes; server.yml (ports, storage, secrets) stays a file edit. */
export const EDITABLE_FILES = [POINTS_FILE, RULES_FILE] as const;
export type EditableFile = (typeof EDITABLE_FILES)[number];

export function isEditableFile(file: string): file is EditableFile {
  return (EDITABLE_FILES as readonly string[]).includes(file);
}

export interface ConfigFileView {
  readonly file: EditableFile;
  /** The file as on disk (empty when it does not exist yet). */
  readonly text: string;
  /** Its data, `${ENV}` references as written. */
  readonly data: unknown;
  /** Of `text`: send it back as `baseSha256` so a save over someone else's change is refused. */
  readonly sha256: string;
}

/** A whole new text (the raw YAML view) or edits to the current one (the forms). */
export type Candidate = { readonly text: string } | { readonly edits: readonly YamlEdit[] };

export interface SaveRequest {
  readonly file: EditableFile;
  readonly candidate: Candidate;
  readonly comment: string | null;
  /** When given and the file has changed since, nothing is written (409). */
  readonly baseSha256?: string;
}

export type SaveOutcome =
  | { readonly kind: 'invalid'; readonly issues: readonly ConfigIssue[] }
  | { readonly kind: 'unchanged'; readonly sha256: string }
  | {
      readonly kind: 'saved';
      readonly version: ConfigVersion;
      /** What the live reload said: applied, or refused (the file stays written). */
      readonly reload: ReloadOutcome;
    };

export interface VersionDiff {
  readonly version: ConfigVersion;
  /** Whether the file on disk is byte for byte this version. */
  readonly current: boolean;
  /** From the version (old) to the file on disk now (new). */
  readonly lines: readonly DiffLine[];
}

export class ConfigEditor {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly rt: Runtime) {}

  private get dir(): string {
    return this.rt.config.configDir;
  }

  read(file: EditableFile): ConfigFileView {
    const text = this.readText(file);
    return { file, text, data: text === '' ? null : yamlData(text), sha256: contentDigest(text) };
  }

  /** The candidate's text and the compiled config it gives, or every problem in it. */
  check(
    file: EditableFile,
    candidate: Candidate,
  ): { text: string; config: DtuhubConfig } | { issues: readonly ConfigIssue[] } {
    let text: string;
    try {
      text = 'text' in candidate ? candidate.text : applyYamlEdits(this.readText(file), candidate.edits);
    } catch (err) {
      return {
        issues: [{ file: join(this.dir, file), line: null, column: null, field: '', message: (err as Error).message }],
      };
    }
    try {
      return { text, config: loadConfig(this.dir, process.env, { [file]: text }) };
    } catch (err) {
      if (err instanceof ConfigError) return { issues: err.issues };
      throw err;
    }
  }

  save(request: SaveRequest, actor: string, versions: ConfigVersionStore): Promise<SaveOutcome> {
    return this.serially(async () => {
      const before = this.readText(request.file);
      if (request.baseSha256 !== undefined && request.baseSha256 !== contentDigest(before))
        throw new ServiceError('CONFIG_CONFLICT', `${request.file} has changed since it was opened; reload it`);
      const checked = this.check(request.file, request.candidate);
      if ('issues' in checked) return { kind: 'invalid', issues: checked.issues };
      if (checked.text === before) return { kind: 'unchanged', sha256: contentDigest(before) };
      return this.write(
        request.file,
        before,
        checked.text,
        { actor, comment: request.comment, rolledBackTo: null },
        versions,
      );
    });
  }

  /** Writes a kept version back as a new version; refused (issues) when it no longer fits the other files. */
  rollback(id: number, actor: string, comment: string | null, versions: ConfigVersionStore): Promise<SaveOutcome> {
    return this.serially(async () => {
      const version = await this.version(id, versions);
      const before = this.readText(version.file);
      const checked = this.check(version.file, { text: version.content });
      if ('issues' in checked) return { kind: 'invalid', issues: checked.issues };
      if (checked.text === before) return { kind: 'unchanged', sha256: contentDigest(before) };
      return this.write(version.file, before, version.content, { actor, comment, rolledBackTo: id }, versions);
    });
  }

  /** Reads the target of the candidate points.yml once from an online device (nothing is saved). */
  async test(
    candidate: Candidate,
    target: TestTarget,
  ): Promise<TestReadOutcome | { readonly kind: 'invalid'; readonly issues: readonly ConfigIssue[] }> {
    const checked = this.check(POINTS_FILE, candidate);
    if ('issues' in checked) return { kind: 'invalid', issues: checked.issues };
    return testRead(this.rt, targetBlocks(checked.config, target), target.device);
  }

  async diff(id: number, versions: ConfigVersionStore): Promise<VersionDiff> {
    const { content, ...version } = await this.version(id, versions);
    const now = this.readText(version.file);
    return { version, current: contentDigest(now) === version.sha256, lines: diffLines(content, now) };
  }

  async version(id: number, versions: ConfigVersionStore): Promise<ConfigVersionWithContent & { file: EditableFile }> {
    const version = await versions.get(id);
    if (!version || !isEditableFile(version.file))
      throw new ServiceError('CONFIG_VERSION_NOT_FOUND', `no config version ${id}`);
    return version as ConfigVersionWithContent & { file: EditableFile };
  }

  private async write(
    file: EditableFile,
    before: string,
    text: string,
    meta: { actor: string; comment: string | null; rolledBackTo: number | null },
    versions: ConfigVersionStore,
  ): Promise<SaveOutcome> {
    const at = Date.now();
    // The file as found, so the first edit from the UI can be rolled back too.
    if (before !== '' && !(await versions.has(file)))
      await versions.add({
        at,
        actor: meta.actor,
        file,
        action: 'baseline',
        rolledBackTo: null,
        comment: null,
        content: before,
      });
    // Versioned before written: a version that failed to write is harmless, an unversioned file is not.
    const version = await versions.add({
      at,
      actor: meta.actor,
      file,
      action: meta.rolledBackTo === null ? 'save' : 'rollback',
      rolledBackTo: meta.rolledBackTo,
      comment: meta.comment,
      content: text,
    });
    writeFileAtomically(join(this.dir, file), text);
    const reload = await this.rt.configReload.reload('ui', meta.actor);
    return { kind: 'saved', version, reload };
  }

  private readText(file: EditableFile): string {
    try {
      return readFileSync(join(this.dir, file), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw err;
    }
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
