// Reloads the config when one of its files changes on disk. The directory is watched, not
// the files: editors that save by writing a new file and renaming it over the old one
// replace the file a watch would hold. Events are debounced (an editor's save is several),
// and a reload only happens when a file's content differs from what was last seen, so a
// reload someone else triggered (the API, the config editor) is not repeated.
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { POINTS_FILE, RULES_FILE, SERVER_FILE } from './config/load.js';
import type { ConfigReloading } from './domain/config-reload.js';
import type { Logger } from './log.js';

const FILES: readonly string[] = [SERVER_FILE, POINTS_FILE, RULES_FILE];
export const WATCH_DEBOUNCE_MS = 500;

export class ConfigWatch {
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private seen = '';

  constructor(
    private readonly dir: string,
    private readonly reloader: ConfigReloading,
    private readonly log: Logger,
    private readonly debounceMs = WATCH_DEBOUNCE_MS,
  ) {}

  start(): void {
    if (this.watcher) return;
    this.seen = this.snapshot();
    this.watcher = watch(this.dir, { persistent: false }, (_event, file) => {
      if (file === null || FILES.includes(file.toString())) this.soon();
    });
    this.watcher.on('error', (err) => this.log.warn({ err, dir: this.dir }, 'config directory watch failed'));
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private soon(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      const now = this.snapshot();
      if (now === this.seen) return;
      this.seen = now;
      this.reloader.reload('file').catch((err: unknown) => this.log.error({ err }, 'config reload failed'));
    }, this.debounceMs);
    this.timer.unref();
  }

  /** The three files' contents as one string (a missing file reads as empty). */
  private snapshot(): string {
    return FILES.map((file) => {
      try {
        return readFileSync(join(this.dir, file), 'utf8');
      } catch {
        return '';
      }
    }).join('\0');
  }
}
