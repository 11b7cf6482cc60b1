import { describe, expect, it } from 'vitest';
import type { TypedFramingConfig } from '../../../src/domain/config.js';
import { writeCrc } from '../../../src/protocol/modbus/crc.js';
import type { InboundEvent } from '../../../src/simulator/inbound.js';
import { TypedReader } from '../../../src/simulator/typed-reader.js';

const typed: TypedFramingConfig = {
  heartbeatType: 2,
  dataType: 3,
  modbusType: 4,
  ackRegistration: 1,
  ackHeartbeat: 2,
  ackData: 3,
};

function rtu(hex: string): Buffer {
  const body = Buffer.from(hex, 'hex');
  const out = Buffer.alloc(body.length + 2);
  body.copy(out);
  writeCrc(out, body.length);
  return out;
}

const request = rtu('010307d0000a');
const wrapped = Buffer.concat([Buffer.from([4, request.length]), request]);

function feed(reader: TypedReader, chunks: Buffer[]): InboundEvent[] {
  const events: InboundEvent[] = [];
  for (const chunk of chunks) reader.push(chunk, 0, (e) => events.push(e));
  return events;
}

describe('TypedReader', () => {
  it('tells 1-byte acks from a 0x04 Modbus message in the same chunk', () => {
    const events = feed(new TypedReader(typed, 1000), [Buffer.concat([Buffer.from([1]), wrapped, Buffer.from([2])])]);
    expect(events).toEqual([
      { kind: 'ack', byte: 1 },
      { kind: 'request', frame: request },
      { kind: 'ack', byte: 2 },
    ]);
  });

  it('reassembles a Modbus message split across chunks', () => {
    const events = feed(new TypedReader(typed, 1000), [
      wrapped.subarray(0, 1),
      wrapped.subarray(1, 5),
      wrapped.subarray(5),
    ]);
    expect(events).toEqual([{ kind: 'request', frame: request }]);
  });

  it('takes an ack byte equal to the Modbus type as an ack when no valid message follows', () => {
    const sameByte = { ...typed, ackData: 4 };
    const events = feed(new TypedReader(sameByte, 1000), [Buffer.concat([Buffer.from([4]), wrapped])]);
    expect(events).toEqual([
      { kind: 'ack', byte: 4 },
      { kind: 'request', frame: request },
    ]);
  });

  it('drops a Modbus message whose RTU CRC fails', () => {
    const broken = Buffer.from(wrapped);
    broken[broken.length - 1]! ^= 0xff;
    expect(feed(new TypedReader(typed, 1000), [broken])).toEqual([{ kind: 'bad-crc', bytes: request.length }]);
  });
});
