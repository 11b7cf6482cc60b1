// DL/T 645 meters on a simulated DTU's RS-485 bus, beside (or instead of) Modbus slaves.
// A meter answers a read addressed to it (or to AA…AA when it is the only meter), the
// 2007 read-address command to AA…AA, and nothing else; a silent meter answers nothing
// (a dead meter); an erroring meter answers every read with its error-status byte.
import type { Dlt645Version } from '../protocol/dlt645/index.js';
import { bcdBytes, meterAnswerFrame, type MeterFrame } from './meter-frames.js';
import { meterIdentifier, meterReading } from './meter-values.js';

export interface SimulatedMeter {
  /** 12 digits as printed on the meter. */
  readonly address: string;
  /** Default 2007. */
  readonly version?: Dlt645Version;
}

export interface MeterFaults {
  /** Addresses of meters that never answer. */
  readonly silentMeters?: readonly string[];
  /** Address → the error-status byte that meter answers every read with. */
  readonly meterErrors?: Readonly<Record<string, number>>;
}

/** What a meter answered: the identifier's name (`address` for read-address) and the value it sent. */
export type MeterServedHook = (meter: string, identifier: string, value: number | string, atMs: number) => void;

const WILDCARD = 'AAAAAAAAAAAA';
const READ: Record<Dlt645Version, number> = { '2007': 0x11, '1997': 0x01 };
const READ_ADDRESS = 0x13;
/** 2007 "no data requested", 1997 "data identifier error": bit 1 in both editions. */
const UNKNOWN_IDENTIFIER = 0x02;

export class MeterBus {
  constructor(
    private readonly meters: readonly SimulatedMeter[],
    private readonly faults: () => MeterFaults,
    private readonly answer: (frame: Buffer) => void,
    private readonly served?: MeterServedHook,
  ) {}

  request(frame: MeterFrame, atMs: number): void {
    if (frame.control & 0x80) return; // another meter's answer, not a master's request
    const fn = frame.control & 0x1f;
    const live = this.meters.filter((m) => !this.faults().silentMeters?.includes(m.address));
    if (fn === READ_ADDRESS && frame.address === WILDCARD) {
      const answering = live.filter((m) => (m.version ?? '2007') === '2007');
      // Two meters answering at once collide on the half-duplex bus: the master hears noise.
      const frames = answering.map((m) => meterAnswerFrame(m.address, 0x93, addressBytes(m.address)));
      if (frames.length === 1) this.served?.(answering[0]!.address, 'address', answering[0]!.address, atMs);
      if (frames.length > 0) this.answer(collide(frames));
      return;
    }
    const meter =
      frame.address === WILDCARD
        ? this.meters.length === 1
          ? live[0]
          : undefined
        : live.find((m) => m.address === frame.address);
    if (!meter) return;
    const version = meter.version ?? '2007';
    if (fn !== READ[version]) return;
    const diLength = version === '2007' ? 4 : 2;
    if (frame.data.length < diLength) return;
    let di = 0;
    for (let k = diLength - 1; k >= 0; k--) di = di * 256 + frame.data[k]!;
    const error = this.faults().meterErrors?.[meter.address];
    const id = meterIdentifier(version, di);
    if (error !== undefined || !id) {
      this.answer(meterAnswerFrame(meter.address, fn | 0xc0, Uint8Array.of(error ?? UNKNOWN_IDENTIFIER)));
      return;
    }
    const value = meterReading(meter.address, id, atMs);
    const bytes =
      typeof value === 'number' ? bcdBytes(value, id.length, id.decimals, id.signed) : clockBytes(value, atMs);
    this.served?.(meter.address, id.name, value, atMs);
    this.answer(meterAnswerFrame(meter.address, fn | 0x80, Buffer.concat([frame.data.subarray(0, diLength), bytes])));
  }
}

/** The address as sent: low byte first. */
function addressBytes(address: string): Buffer {
  const out = Buffer.alloc(6);
  for (let k = 0; k < 6; k++) out[k] = Number.parseInt(address.slice(10 - 2 * k, 12 - 2 * k), 16);
  return out;
}

/** YYMMDDWW (date) or hhmmss (time), low byte first, as BCD. */
function clockBytes(text: string, atMs: number): Buffer {
  const bcd = (n: number): number => (Math.floor(n / 10) << 4) | (n % 10);
  if (text.includes('-')) {
    const [year, month, day] = text.split('-').map(Number) as [number, number, number];
    return Buffer.from([bcd(new Date(atMs).getUTCDay()), bcd(day), bcd(month), bcd(year % 100)]);
  }
  const [hour, minute, second] = text.split(':').map(Number) as [number, number, number];
  return Buffer.from([bcd(second), bcd(minute), bcd(hour)]);
}

function collide(frames: readonly Buffer[]): Buffer {
  if (frames.length === 1) return frames[0]!;
  const out = Buffer.from(frames[0]!);
  for (const frame of frames.slice(1)) for (let k = 0; k < out.length; k++) out[k]! |= frame[k] ?? 0;
  return out;
}
