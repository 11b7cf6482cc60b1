// Latencies kept as (value, weight) pairs: all samples of one poll share one latency, so
// one entry per poll instead of one per sample keeps a 60-second window small.

export interface LatencySummary {
  /** Samples counted (sum of weights). */
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

export class WeightedHistogram {
  private values: number[] = [];
  private weights: number[] = [];

  add(value: number, weight = 1): void {
    this.values.push(value);
    this.weights.push(weight);
  }

  clear(): void {
    this.values = [];
    this.weights = [];
  }

  get entries(): number {
    return this.values.length;
  }

  summary(): LatencySummary {
    const order = this.values.map((_, i) => i).sort((a, b) => this.values[a]! - this.values[b]!);
    let total = 0;
    let sum = 0;
    for (let i = 0; i < this.values.length; i++) {
      total += this.weights[i]!;
      sum += this.values[i]! * this.weights[i]!;
    }
    const at = (q: number): number => {
      if (total === 0) return 0;
      const target = q * total;
      let seen = 0;
      for (const i of order) {
        seen += this.weights[i]!;
        if (seen >= target) return this.values[i]!;
      }
      return this.values[order[order.length - 1]!]!;
    };
    return {
      count: total,
      p50: at(0.5),
      p90: at(0.9),
      p99: at(0.99),
      max: total === 0 ? 0 : this.values[order[order.length - 1]!]!,
      mean: total === 0 ? 0 : sum / total,
    };
  }
}
