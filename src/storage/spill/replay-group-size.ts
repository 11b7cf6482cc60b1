// How many rows the replay commits per transaction. Large groups are what make the replay
// fast (one commit and one LOAD DATA per group, not per batch), but a group must commit well
// inside the write deadline or it would be given up and tried again forever. So the size
// doubles while commits take under a quarter of the deadline and halves after one that ran
// past it; it drops to one batch to find the one batch in a group the database refuses.
export class ReplayGroupSize {
  private size: number;

  constructor(
    first: number,
    private readonly max: number,
    private readonly deadlineMs: number,
  ) {
    this.size = Math.min(first, max);
  }

  get rows(): number {
    return this.size;
  }

  committed(ms: number): void {
    if (ms < this.deadlineMs / 4) this.size = Math.min(this.max, this.size * 2);
  }

  timedOut(): void {
    this.size = Math.max(1, Math.floor(this.size / 2));
  }

  /** A group was refused for its content: the next ones are one batch each, growing again. */
  oneBatch(): void {
    this.size = 1;
  }
}
