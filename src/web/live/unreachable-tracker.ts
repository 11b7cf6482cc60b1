// Consecutive failed polls per device: after `threshold` in a row the device is
// unreachable (once, until a poll succeeds again). Pure bookkeeping, no IO.

export type ReachabilityChange = 'unreachable' | 'reachable' | null;

export class UnreachableTracker {
  private readonly failures = new Map<string, number>();
  private readonly unreachable = new Set<string>();

  constructor(private readonly threshold: number) {}

  failed(deviceId: string): { change: ReachabilityChange; failures: number } {
    const failures = (this.failures.get(deviceId) ?? 0) + 1;
    this.failures.set(deviceId, failures);
    if (failures === this.threshold) {
      this.unreachable.add(deviceId);
      return { change: 'unreachable', failures };
    }
    return { change: null, failures };
  }

  succeeded(deviceId: string): ReachabilityChange {
    this.failures.delete(deviceId);
    return this.unreachable.delete(deviceId) ? 'reachable' : null;
  }

  forget(deviceId: string): void {
    this.failures.delete(deviceId);
    this.unreachable.delete(deviceId);
  }

  isUnreachable(deviceId: string): boolean {
    return this.unreachable.has(deviceId);
  }
}
