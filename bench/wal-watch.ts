// The size of a SQLite WAL file over a window, sampled: a reader that always holds a snapshot
// keeps checkpoints from restarting the WAL, which then grows until the writer's own
// autocheckpoint copies it inside a commit.
import { statSync } from 'node:fs';

export interface WalSummary {
  readonly maxBytes: number;
  readonly meanBytes: number;
  readonly samples: number;
}

const EVERY_MS = 200;

export class WalWatch {
  private readonly sizes: number[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly path: string) {
    this.timer = setInterval(() => this.sizes.push(this.size()), EVERY_MS);
  }

  stop(): WalSummary {
    clearInterval(this.timer);
    const n = this.sizes.length;
    return {
      maxBytes: n > 0 ? Math.max(...this.sizes) : 0,
      meanBytes: n > 0 ? this.sizes.reduce((a, b) => a + b, 0) / n : 0,
      samples: n,
    };
  }

  private size(): number {
    try {
      return statSync(this.path).size;
    } catch {
      return 0; // no WAL at this moment
    }
  }
}
