// A value read from the database, kept with the time it was read. Status pages ask for it
// often and must answer during a database outage, so a read waits for a fresh value only
// up to a short bound and otherwise answers the last one known; one load at a time, so a
// silent database collects no pile of queries.

export interface Known<T> {
  /** Null until the first load succeeded. */
  readonly value: T | null;
  /** Epoch ms of the load that produced `value`; null until then. */
  readonly at: number | null;
}

export interface LastKnownOptions {
  /** The longest a read waits on a load before answering the last value known. */
  readonly waitMs: number;
  readonly now?: () => number;
}

export class LastKnown<T> {
  private known: Known<T> = { value: null, at: null };
  private loading: Promise<void> | null = null;

  constructor(
    private readonly load: () => Promise<T>,
    private readonly options: LastKnownOptions,
  ) {}

  /** Starts a load (unless one is running) and answers its value, or the last known after `waitMs`. */
  async read(): Promise<Known<T>> {
    this.loading ??= this.refresh();
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.waitMs)));
    try {
      await Promise.race([this.loading, bound]);
    } finally {
      clearTimeout(timer);
    }
    return this.known;
  }

  private async refresh(): Promise<void> {
    const now = this.options.now ?? Date.now;
    const started = now();
    try {
      this.known = { value: await this.load(), at: started };
    } catch {
      // The store reports its own failures (store.state, store.lastError); the last value stays.
    } finally {
      this.loading = null;
    }
  }
}
