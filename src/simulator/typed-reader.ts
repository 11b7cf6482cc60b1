// Typed framing (the user's design), server → DTU: 1-byte acks for registration,
// heartbeat and data, and `[modbusType][length][RTU request]` messages. An ack byte can
// equal the message type, so a message is taken only when its RTU CRC checks.
import type { TypedFramingConfig } from '../domain/config.js';
import { hasValidCrc } from '../protocol/modbus/crc.js';
import { PendingBytes, type InboundEvent, type InboundReader } from './inbound.js';

export class TypedReader implements InboundReader {
  private readonly pending: PendingBytes;
  private readonly acks: ReadonlySet<number>;

  constructor(
    private readonly typed: TypedFramingConfig,
    gapMs: number,
  ) {
    this.pending = new PendingBytes(gapMs);
    const acks = [typed.ackRegistration, typed.ackHeartbeat, typed.ackData];
    this.acks = new Set(acks.filter((b): b is number => b !== null));
  }

  push(chunk: Buffer, atMs: number, emit: (event: InboundEvent) => void): void {
    const buf = this.pending.take(chunk, atMs, emit);
    let i = 0;
    while (i < buf.length) {
      const type = buf[i]!;
      const isAck = this.acks.has(type);
      const isMessage =
        type === this.typed.modbusType || type === this.typed.heartbeatType || type === this.typed.dataType;
      if (!isMessage) {
        emit(isAck ? { kind: 'ack', byte: type } : { kind: 'garbage', bytes: 1 });
        i += 1;
        continue;
      }
      // A lone ack byte that is also a message type: wait for its length byte unless
      // it can only be an ack (a message type the server never sends us).
      if (isAck && type !== this.typed.modbusType) {
        emit({ kind: 'ack', byte: type });
        i += 1;
        continue;
      }
      if (buf.length - i < 2) break;
      const length = buf[i + 1]!;
      if (buf.length - i < 2 + length) break;
      const start = i + 2;
      const end = start + length;
      if (type === this.typed.modbusType && hasValidCrc(buf, start, end)) {
        emit({ kind: 'request', frame: Buffer.from(buf.subarray(start, end)) });
        i = end;
      } else if (isAck) {
        emit({ kind: 'ack', byte: type });
        i += 1;
      } else {
        emit(
          type === this.typed.modbusType ? { kind: 'bad-crc', bytes: length } : { kind: 'garbage', bytes: 2 + length },
        );
        i = end;
      }
    }
    this.pending.keep(buf, i, atMs);
  }

  reset(): void {
    this.pending.clear();
  }
}
