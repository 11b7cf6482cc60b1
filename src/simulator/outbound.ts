// What a DTU puts on the wire around its payloads: the registration prefix in
// "data-carry" (every-packet) mode and the [type][length] envelope of typed framing.
import type { LinkConfig, TypedFramingConfig } from '../domain/config.js';
import { mbapResponse } from './mbap-requests.js';

export interface OutboundFormat {
  /** Registration bytes repeated in front of every packet, or null. */
  readonly prefix: Buffer | null;
  readonly typed: TypedFramingConfig | null;
  /** Modbus TCP mode: answers go out as MBAP ADUs. */
  readonly mbap: boolean;
}

export function outboundFormat(link: LinkConfig, registration: Buffer): OutboundFormat {
  return {
    prefix: link.registration.mode === 'every-packet' ? registration : null,
    typed: link.framing === 'typed' ? link.typed : null,
    mbap: link.framing === 'mbap',
  };
}

/** A heartbeat as sent on its own; typed links send a heartbeat message even without a pattern. */
export function heartbeatPacket(format: OutboundFormat, pattern: Buffer | null): Buffer | null {
  if (format.typed) return withPrefix(format, envelope(format.typed.heartbeatType, pattern ?? Buffer.alloc(0)));
  return pattern ? withPrefix(format, pattern) : null;
}

/** An RTU response (or pushed RTU frame) as the DTU sends it; `transactionId` of an MBAP request. */
export function responsePacket(format: OutboundFormat, rtu: Buffer, transactionId?: number): Buffer {
  if (format.mbap) return withPrefix(format, mbapResponse(transactionId ?? 0, rtu));
  return withPrefix(format, format.typed ? envelope(format.typed.modbusType, rtu) : rtu);
}

/** A typed-framing data message (type 0x03); on other framings the payload goes out as is. */
export function dataPacket(format: OutboundFormat, payload: Buffer): Buffer {
  return withPrefix(format, format.typed ? envelope(format.typed.dataType, payload) : payload);
}

/** `[type][length][payload]`; the length is one byte, which every RTU frame fits in. */
export function envelope(type: number, payload: Buffer): Buffer {
  if (payload.length > 0xff) throw new RangeError(`typed payload of ${payload.length} bytes exceeds 255`);
  const packet = Buffer.allocUnsafe(2 + payload.length);
  packet[0] = type;
  packet[1] = payload.length;
  payload.copy(packet, 2);
  return packet;
}

function withPrefix(format: OutboundFormat, packet: Buffer): Buffer {
  return format.prefix ? Buffer.concat([format.prefix, packet]) : packet;
}
