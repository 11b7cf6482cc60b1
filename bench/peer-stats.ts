// What both modbus-serial peers (DTUs over RTU, scenario 5; Modbus TCP, scenario 8) count,
// and their poll: one read outstanding per lane, skipped while the previous one is, the
// 50 bench points decoded into Sample records that are counted and dropped.
import { decodeBenchPoints } from './peer-decode.js';
import { sampleProcess, type ProcessSample } from './process-sample.js';
import { WeightedHistogram, type LatencySummary } from './weighted-histogram.js';

/** What a peer reports when asked. */
export interface PeerSnapshot {
  readonly process: ProcessSample;
  readonly connections: number;
  readonly requests: number;
  readonly transactions: number;
  readonly errors: number;
  /** Polls skipped because the previous one of that DTU was still in flight. */
  readonly skipped: number;
  readonly samplesDecoded: number;
  readonly pollToDecodedMs: LatencySummary;
}

export class PeerStats {
  readonly counters = { connections: 0, requests: 0, transactions: 0, errors: 0, skipped: 0, samplesDecoded: 0 };
  private readonly decoded = new WeightedHistogram();
  private recordFrom = Number.POSITIVE_INFINITY;

  /** A poll function for one lane: `read` sends the request and resolves with the register bytes. */
  poller(deviceId: string, read: () => Promise<{ buffer: Buffer }>): () => void {
    const counters = this.counters;
    let busy = false;
    return () => {
      if (busy) {
        counters.skipped++;
        return;
      }
      busy = true;
      counters.requests++;
      const sentAt = Date.now();
      read().then(
        (result) => {
          busy = false;
          const at = Date.now();
          const samples = decodeBenchPoints(deviceId, result.buffer, at);
          counters.transactions++;
          counters.samplesDecoded += samples.length;
          if (sentAt >= this.recordFrom) this.decoded.add(at - sentAt, samples.length);
        },
        () => {
          busy = false;
          counters.errors++;
        },
      );
    };
  }

  /** The `snapshot` request: `gc` collects garbage first, `latency` computes percentiles. */
  snapshot(args: unknown): PeerSnapshot {
    const { gc = false, latency = true } = (args ?? {}) as { gc?: boolean; latency?: boolean };
    const pollToDecodedMs = latency ? this.decoded.summary() : { count: 0, p50: 0, p90: 0, p99: 0, max: 0, mean: 0 };
    return { process: sampleProcess(gc), ...this.counters, pollToDecodedMs };
  }

  /** The `start-window` request: latency counts polls sent from now. */
  startWindow(): number {
    this.recordFrom = Date.now();
    this.decoded.clear();
    return this.recordFrom;
  }
}
