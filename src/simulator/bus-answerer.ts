// The RS-485 bus behind a simulated DTU: which slave answers a request, when, and with the
// injected faults (silent slaves, exceptions, delays, a broken CRC, a heartbeat inside the
// answer). The DTU owns the connection; this owns everything between request and reply.
import type { DtuCounters, DtuFaults, SimulatedDtuOptions } from './dtu-options.js';
import { MeterBus } from './meter-bus.js';
import type { MeterFrame } from './meter-frames.js';
import { dataPacket, heartbeatPacket, responsePacket, type OutboundFormat } from './outbound.js';
import type { RegisterModel } from './register-model.js';
import { withBrokenCrc, withHeartbeatInside } from './response-faults.js';
import { hashSeed, seededRandom } from './seeded.js';
import { answerRequest, applyWrite, type Answer } from './slave-responder.js';
import type { SlaveRequest } from './slave-request.js';

/** What the bus needs of its DTU. */
export interface BusHost {
  readonly id: string;
  readonly options: SimulatedDtuOptions;
  readonly counters: DtuCounters;
  readonly model: RegisterModel;
  faults(): DtuFaults;
  /** How answers are framed while connected; null when nothing can be sent. */
  outlet(): OutboundFormat | null;
  send(packet: Buffer): void;
}

export class BusAnswerer {
  /** Delayed answers in flight, cleared on stop; null while there are none. */
  private delayed: Set<NodeJS.Timeout> | null = null;
  private random: (() => number) | null = null;
  private corruptedOnce = false;
  private meters: MeterBus | null = null;

  constructor(private readonly host: BusHost) {}

  /** A DL/T 645 frame: the meters on the bus answer it (none are: nobody does). */
  meterRequest(frame: MeterFrame, at: number): void {
    const { options, counters } = this.host;
    if (!options.meters?.length) return;
    this.meters ??= new MeterBus(
      options.meters,
      () => this.host.faults(),
      (answer) => {
        const format = this.host.outlet();
        if (!format) return;
        counters.responses += 1;
        this.host.send(dataPacket(format, answer));
      },
      options.onMeterServed,
    );
    this.meters.request(frame, at);
  }

  /** The slaves on the bus: the options' list, else the profile's. */
  slaves(): readonly number[] {
    return this.host.options.slaves ?? this.host.model.slaves;
  }

  /** A request arrived at `at`: applied, answered now, answered later, or not at all. */
  request(request: SlaveRequest, at: number): void {
    if (request.slave === 0) {
      // Broadcast: every slave applies a write, none answers.
      for (const slave of this.slaves()) applyWrite(this.host.model, request, slave);
      return;
    }
    const faults = this.host.faults();
    const delay = faults.lateResponseMs ?? faults.responseDelayMs ?? 0;
    if (delay <= 0) {
      this.serve(request, at);
      return;
    }
    // The slave samples its registers when the request arrives; the answer travels later.
    const answer = this.answer(request, at);
    if (!answer) return;
    const delayed = (this.delayed ??= new Set());
    const timer = setTimeout(() => {
      delayed.delete(timer);
      this.respond(request, answer, at);
    }, delay);
    delayed.add(timer);
  }

  /** Answers at once (a request, or an unsolicited push). */
  serve(request: SlaveRequest, at: number): void {
    const answer = this.answer(request, at);
    if (answer) this.respond(request, answer, at);
  }

  /** Drops the answers still on their way. */
  clear(): void {
    if (this.delayed) for (const timer of this.delayed) clearTimeout(timer);
    this.delayed = null;
  }

  /** The answer of the addressed slave, or null when nobody on the bus answers. */
  private answer(request: SlaveRequest, at: number): Answer | null {
    const faults = this.host.faults();
    if (!this.slaves().includes(request.slave) || faults.silentSlaves?.includes(request.slave)) {
      this.host.counters.ignored += 1;
      return null;
    }
    return answerRequest(this.host.model, request, at, {
      strictAddresses: this.host.options.strictAddresses ?? false,
      exceptionCode: faults.exceptionCodes?.[request.slave] ?? null,
    });
  }

  private respond(request: SlaveRequest, answer: Answer, at: number): void {
    const format = this.host.outlet();
    if (!format) return;
    const { counters } = this.host;
    const rtu = this.maybeCorrupt(answer.response);
    const packet = responsePacket(format, rtu, request.transactionId);
    const heartbeat = this.host.faults().heartbeatInsideResponse ? this.innerHeartbeat() : null;
    if (heartbeat) {
      counters.heartbeats += 1;
      this.host.send(withHeartbeatInside(packet, rtu, heartbeat, format.typed !== null));
    } else {
      this.host.send(packet);
    }
    counters.responses += 1;
    if (rtu[1]! & 0x80) counters.exceptions += 1;
    this.host.options.onServed?.(request, rtu, answer.registers, at, this.host);
  }

  /** The heartbeat sent with a response: the bare pattern, or a typed message. */
  private innerHeartbeat(): Buffer | null {
    const { link, profile } = this.host.options;
    const pattern = (profile?.heartbeat ?? link.heartbeat)?.pattern ?? null;
    const typed = link.framing === 'typed' ? link.typed : null;
    return heartbeatPacket({ prefix: null, typed, mbap: false }, pattern);
  }

  private maybeCorrupt(frame: Buffer): Buffer {
    const mode = this.host.faults().corruptCrc;
    if (mode === undefined || mode === 0) return frame;
    if (mode === 'once') {
      if (this.corruptedOnce) return frame;
      this.corruptedOnce = true;
    } else {
      this.random ??= seededRandom(hashSeed(this.host.options.seed ?? this.host.id));
      if (this.random() >= mode) return frame;
    }
    return withBrokenCrc(frame);
  }
}
