// Mitsubishi MC protocol client channel (3E or 4E frame, binary or ASCII): reads its tags every
// `every` with as few batch reads as the frame's limits allow, one request in flight
// (mc-transport.ts), and writes a tag by name from the API, reading it back at once.
//
// An end code from the PLC is a collect error naming the code; the other reads of the round
// go on. A round in which no read was answered at all, twice in a row, drops the connection:
// the port behind it is gone or not a PLC, and the backoff takes over.
import type { Socket } from 'node:net';
import type { McChannelConfig } from '../../domain/channels.js';
import type { Sample } from '../../domain/point.js';
import {
  MC_COMMAND,
  OWN_STATION,
  formatEndCode,
  formatMcAddress,
  isTagWriteProblem,
  planTagWrite,
  type McReadBlock,
  type McRequest,
} from '../../protocol/mc/index.js';
import type { ChannelDeps, ChannelLink, OpenLink } from '../channel.js';
import { plannedChannelWrite, type ChannelPointWrite } from '../channel-types.js';
import { TcpChannel } from '../tcp-channel.js';
import { blockSamples, readPlan, type ReadyTag } from './mc-samples.js';
import { McTransport, type McOutcome } from './mc-transport.js';

/** Profile label of devices fed over MC (devices.profile). */
const PROFILE = 'mc';
/** Rounds without a single answer before the connection counts as lost. */
const SILENT_ROUNDS = 2;

export class McChannel extends TcpChannel<McChannelConfig> {
  /** Only an answer starts the backoff over: a converter may accept with no PLC behind it. */
  protected override readonly connectProvesPeer = false;
  private readonly plan: readonly McReadBlock<ReadyTag>[];
  private transport: McTransport | null = null;

  constructor(config: McChannelConfig, deps: ChannelDeps) {
    super(config, deps);
    this.plan = readPlan(config.tags);
  }

  protected async open(link: ChannelLink): Promise<OpenLink> {
    const { config } = this;
    const socket: Socket = await this.connectPeer(link);
    const transport = new McTransport({
      format: config.frame,
      frame: config.frameType,
      destination: OWN_STATION,
      timeoutMs: config.timeoutMs,
      send: (bytes) => socket.write(bytes),
      discarded: (problem) => {
        link.collectFailed(problem);
        this.log.debug({ target: this.target, problem }, 'mc answer discarded');
      },
    });
    socket.on('data', (chunk: Buffer) => transport.onData(chunk));
    socket.on('error', (err) => link.lost(err));
    socket.on('close', () => link.lost(null));
    let timer: NodeJS.Timeout | null = null;
    let round: Promise<void> | null = null;
    let silent = 0;
    const next = (delay: number) => {
      timer = setTimeout(() => {
        const startedAt = this.now();
        round = this.collect(link, transport).then((answered) => {
          round = null;
          silent = answered ? 0 : silent + 1;
          if (silent >= SILENT_ROUNDS) {
            link.lost(new Error(`no MC answer within ${config.timeoutMs} ms in ${silent} rounds`), 'error');
            return;
          }
          // Start to start: a slow round only shortens the wait.
          if (link.active) next(Math.max(0, config.everyMs - (this.now() - startedAt)));
        });
      }, delay);
    };
    return {
      connected: () => {
        this.transport = transport;
        link.deviceOnline(config.device, PROFILE);
        next(0);
      },
      close: async () => {
        if (this.transport === transport) this.transport = null;
        if (timer) clearTimeout(timer);
        transport.close();
        socket.destroy();
        await round;
      },
    };
  }

  /** One round of reads; true when the PLC answered at least one. */
  private async collect(link: ChannelLink, transport: McTransport): Promise<boolean> {
    const polledAt = this.now();
    const samples: Sample[] = [];
    let answered = false;
    for (const block of this.plan) {
      const outcome = await transport.request(block.request);
      if (!link.active || outcome.kind === 'closed') return true;
      if (outcome.kind !== 'timeout') answered = true;
      if (outcome.kind === 'ok') {
        const read = blockSamples(block, outcome.values, this.config.device, this.now());
        samples.push(...read.samples);
        if (read.notNumbers.length > 0) this.failed(link, `${read.notNumbers.join(', ')}: not a number`);
      } else this.failed(link, `${describe(block.request)}: ${outcomeText(outcome, this.config.timeoutMs)}`);
    }
    if (answered) link.publish(this.config.device, PROFILE, samples, polledAt, this.now());
    return answered;
  }

  private failed(link: ChannelLink, problem: string): void {
    link.collectFailed(problem);
    this.log.warn({ target: this.target, problem }, 'mc read failed');
  }

  /**
   * Writes a tag by name in engineering units and reads it back; null when this channel does
   * not feed the device or is not connected.
   */
  override writePoint(
    deviceId: string,
    point: string,
    value: number | boolean,
    dryRun: boolean,
  ): Promise<ChannelPointWrite> | null {
    if (deviceId !== this.config.device) return null;
    const tag = this.plan.flatMap((b) => b.members).find((m) => m.tag.name === point)?.tag;
    if (!tag) return Promise.resolve({ kind: 'unknown-point' });
    const plan = planTagWrite(tag, value);
    // MC's codec only says why in words: a value its type cannot hold.
    if (isTagWriteProblem(plan))
      return Promise.resolve({ kind: 'refused', problem: { problem: 'type-range', message: plan.problem } });
    const planned = plannedChannelWrite(tag, tag.address, plan);
    if (dryRun) return Promise.resolve({ kind: 'planned', ...planned });
    const transport = this.transport;
    if (!transport || this.state !== 'connected')
      return Promise.resolve({
        kind: 'failed',
        failure: 'not-online',
        code: null,
        reason: 'not connected',
        ...planned,
      });
    return (async (): Promise<ChannelPointWrite> => {
      const outcome = await transport.request(plan.request);
      if (outcome.kind !== 'ok') return { kind: 'failed', ...failure(outcome, this.config.timeoutMs), ...planned };
      const at = this.now();
      const block = readPlan([tag])[0]!;
      const back = await transport.request(block.request);
      const readBack =
        back.kind === 'ok'
          ? (() => {
              const sample = blockSamples(block, back.values, deviceId, this.now()).samples[0];
              return sample ? { value: sample.value, raw: sample.raw, at: sample.ts } : { error: 'not a number' };
            })()
          : { error: outcomeText(back, this.config.timeoutMs) };
      return { kind: 'written', at, readBack, ...planned };
    })();
  }
}

function failure(outcome: Exclude<McOutcome, { kind: 'ok' }>, timeoutMs: number) {
  const reason = outcomeText(outcome, timeoutMs);
  switch (outcome.kind) {
    case 'end-code':
      return { failure: 'answered', code: outcome.endCode, reason } as const;
    case 'timeout':
    case 'closed':
      return { failure: outcome.kind, code: null, reason } as const;
    case 'mismatch':
    case 'busy':
      return { failure: 'bad-response', code: null, reason } as const;
  }
}

function describe(r: McRequest): string {
  const what = r.command === MC_COMMAND.batchRead ? 'read' : 'write';
  return `${what} ${formatMcAddress(r.kind, r.head)}×${r.points}`;
}

export function outcomeText(outcome: McOutcome, timeoutMs: number): string {
  switch (outcome.kind) {
    case 'ok':
      return 'ok';
    case 'end-code':
      return `end code ${formatEndCode(outcome.endCode)}`;
    case 'mismatch':
      return outcome.problem;
    case 'timeout':
      return `no answer within ${timeoutMs} ms`;
    case 'closed':
      return 'connection closed';
    case 'busy':
      return 'too many requests waiting';
  }
}
