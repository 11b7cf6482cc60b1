// Write-back over MQTT: a request on `{prefix}/write/request/{device}` is checked against the
// sink's allow-list, carried out through the same writes service the API uses (the device's
// own queue, so it waits its turn behind the polls), answered on the response topic and
// audited like an API write (actor `mqtt:<sink>`). Refusals are answered and audited too.
// At most `maxPending` requests run at once; more are answered `busy`, so a flood of
// requests never grows memory. A sink that stops first waits (a bounded time) for the
// requests under way, so each is answered and audited before the audit log closes, and
// answers new ones `busy`.
import type { MqttClient } from 'mqtt';
import type { WriteBackConfig } from '../../domain/mqtt-sink.js';
import type { WriteOutcome } from '../../domain/write-outcome.js';
import type { Logger } from '../../log.js';
import type { AuditRecord } from '../../storage/index.js';
import type { RegisterWrite, WriteRequest, WriteResponse } from './message-schema.js';
import { fillTopic, requestFilter } from './topic-template.js';
import { isPointWrite, parseWriteRequest, refusal } from './write-request.js';

/** A raw write's outcome, as the writes service answers it. */
export type RawWriteOutcome = WriteOutcome;

/** The registers a write by point name sent, for the audit log. */
export type SentWrite = { readonly fn: number; readonly slave: number; readonly address: number } & (
  { readonly value: number | boolean } | { readonly values: readonly (number | boolean)[] }
);

/** A write by point name's outcome, the part of the writes service's answer used here. */
export type PointWriteResult =
  | { readonly kind: 'planned' }
  | {
      readonly kind: 'written';
      readonly command: SentWrite | null;
      readonly stored: number;
      readonly readBack: { readonly value: number | null } | { readonly error: string };
    }
  | { readonly kind: 'failed'; readonly command: SentWrite | null; readonly failure: RawWriteOutcome }
  | { readonly kind: 'refused'; readonly problem: { readonly message: string } };

/** What the composition root hands the sink: the API's writes service and audit log. */
export interface WriteBackPort {
  writePoint(device: string, request: { point: string; value: number | boolean }): Promise<PointWriteResult>;
  write(device: string, command: RegisterWrite): Promise<RawWriteOutcome>;
  audit(record: AuditRecord): Promise<void>;
}

export function outcomeResult(outcome: RawWriteOutcome): string {
  return outcome.kind === 'exception' ? `exception ${outcome.code} (${outcome.name})` : outcome.kind;
}

export class WriteBack {
  private pending = 0;
  /** Requests being served: stop() waits for them. */
  private readonly inFlight = new Set<Promise<void>>();
  private stopping = false;
  private readonly subscription: { filter: string; deviceLevel: number } | null;

  constructor(
    private readonly sinkName: string,
    private readonly prefix: string,
    private readonly config: WriteBackConfig,
    private readonly port: WriteBackPort,
    private readonly log: Logger,
  ) {
    this.subscription = requestFilter(config.requestTopic, prefix);
  }

  /** Subscribes on a fresh connection (clean session: subscriptions do not survive it). */
  attach(client: MqttClient): void {
    this.stopping = false;
    if (!this.subscription) return;
    client.subscribe(this.subscription.filter, { qos: 1 }, (err) => {
      if (err) this.log.error({ err: err.message, filter: this.subscription?.filter }, 'write-back subscribe failed');
    });
  }

  /** True when the message was a write-back request (handled here). */
  handle(client: MqttClient, topic: string, payload: Buffer): boolean {
    const sub = this.subscription;
    if (!sub) return false;
    const levels = topic.split('/');
    const filter = sub.filter.split('/');
    if (levels.length !== filter.length || filter.some((l, i) => l !== '+' && l !== levels[i])) return false;
    const device = levels[sub.deviceLevel]!;
    const served = this.serve(client, device, payload);
    this.inFlight.add(served);
    void served.finally(() => this.inFlight.delete(served));
    return true;
  }

  /**
   * The sink is stopping: new requests are answered `busy`; waits up to `timeoutMs` for those
   * under way to be answered and audited. False if some were still running.
   */
  async stop(timeoutMs: number): Promise<boolean> {
    this.stopping = true;
    if (this.inFlight.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([Promise.allSettled([...this.inFlight]).then(() => true), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async serve(client: MqttClient, device: string, payload: Buffer): Promise<void> {
    let response: WriteResponse;
    if (this.stopping) {
      response = this.answer(null, device, 'busy', 'the sink is stopping');
    } else if (this.pending >= this.config.maxPending) {
      response = this.answer(null, device, 'busy', `more than ${this.config.maxPending} write requests waiting`);
      this.log.warn({ device }, 'write-back request refused: too many waiting');
    } else {
      this.pending += 1;
      try {
        response = await this.carryOut(device, payload);
      } catch (err) {
        response = this.answer(null, device, 'error', err instanceof Error ? err.message : String(err));
      } finally {
        this.pending -= 1;
      }
    }
    const topic = fillTopic(this.config.responseTopic, { prefix: this.prefix, device });
    client.publish(topic, JSON.stringify(response), { qos: 1 }, (err) => {
      if (err) this.log.warn({ device, err: err.message }, 'write-back response not delivered');
    });
  }

  private async carryOut(device: string, payload: Buffer): Promise<WriteResponse> {
    const parsed = parseWriteRequest(payload);
    if (!parsed.ok) {
      await this.audit(device, null, 'bad-request', parsed.error);
      return this.answer(parsed.id, device, 'bad-request', parsed.error);
    }
    const { request } = parsed;
    const id = request.id ?? null;
    const why = refusal(this.config.allow, device, request);
    if (why !== null) {
      this.log.warn({ device, request }, `write-back refused: ${why}`);
      await this.audit(device, request, 'refused', why);
      return { ...this.answer(id, device, 'refused', why), ...pointOf(request) };
    }
    try {
      return isPointWrite(request)
        ? await this.writePoint(device, id, request)
        : await this.writeRaw(device, id, request);
    } catch (err) {
      // The writes service throws for an unknown device or point.
      const message = err instanceof Error ? err.message : String(err);
      await this.audit(device, request, 'error', message);
      return { ...this.answer(id, device, 'error', message), ...pointOf(request) };
    }
  }

  private async writePoint(
    device: string,
    id: string | number | null,
    request: { point: string; value: number | boolean },
  ): Promise<WriteResponse> {
    const outcome = await this.port.writePoint(device, { point: request.point, value: request.value });
    const asked = { point: request.point, value: request.value };
    if (outcome.kind === 'refused' || outcome.kind === 'planned') {
      const message = outcome.kind === 'refused' ? outcome.problem.message : 'not sent';
      await this.audit(device, request, 'refused', message);
      return { ...this.answer(id, device, 'refused', message), ...asked };
    }
    const back = outcome.kind === 'written' ? outcome.readBack : null;
    const result = outcome.kind === 'written' ? 'ok' : outcomeResult(outcome.failure);
    const details = `${request.point} = ${String(request.value)}${
      back ? `; read back ${'error' in back ? back.error : String(back.value)}` : ''
    }`;
    await this.audit(device, request, result, details, outcome.command ?? undefined);
    if (outcome.kind === 'failed') return { ...this.answer(id, device, result, `write failed: ${result}`), ...asked };
    return {
      ...this.answer(id, device, 'ok'),
      ...asked,
      ok: true,
      readBack: back && 'value' in back ? back.value : null,
      ...(back && 'error' in back ? { error: `read back failed: ${back.error}` } : {}),
    };
  }

  private async writeRaw(device: string, id: string | number | null, command: RegisterWrite): Promise<WriteResponse> {
    const { fn, slave, address } = command;
    const outcome = await this.port.write(device, { fn, slave, address, ...valuesOf(command) } as RegisterWrite);
    const result = outcomeResult(outcome);
    await this.audit(device, command, result, null, command);
    if (outcome.kind !== 'ok') return this.answer(id, device, result, `write failed: ${result}`);
    return { ...this.answer(id, device, 'ok'), ok: true };
  }

  private answer(id: string | number | null, device: string, result: string, error?: string): WriteResponse {
    return { id, device, ok: false, result, ...(error !== undefined ? { error } : {}), ts: Date.now() };
  }

  private audit(
    device: string,
    request: WriteRequest | SentWrite | null,
    result: string,
    details: string | null,
    command?: SentWrite,
  ): Promise<void> {
    const c = command ?? (request && !isPointWriteLike(request) ? request : null);
    return this.port
      .audit({
        at: Date.now(),
        actor: `mqtt:${this.sinkName}`,
        ip: '',
        action: 'write',
        device,
        slave: c?.slave ?? null,
        fn: c?.fn ?? null,
        address: c?.address ?? null,
        values: c ? ('values' in c ? [...c.values] : [c.value]) : null,
        result,
        details:
          details ?? (request && isPointWriteLike(request) ? `${request.point} = ${String(request.value)}` : null),
      })
      .catch((err: unknown) => this.log.error({ err, device }, 'write-back audit record could not be stored'));
  }
}

function isPointWriteLike(r: WriteRequest | SentWrite): r is Extract<WriteRequest, { point: string }> {
  return 'point' in r;
}

function pointOf(request: WriteRequest): { point?: string; value?: number | boolean } {
  return isPointWrite(request) ? { point: request.point, value: request.value } : {};
}

function valuesOf(command: SentWrite): { value: number | boolean } | { values: readonly (number | boolean)[] } {
  return 'values' in command ? { values: command.values } : { value: command.value };
}
