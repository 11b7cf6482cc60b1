// DL/T 645 meter reads as queue entries: one identifier of one meter per request. A meter
// configured with `discover` is asked for its address first (2007 read-address to
// AAAAAAAAAAAA, which only a meter alone on the bus can answer); until it has answered,
// every read of that meter goes out as that question, under one key, so only one waits.
import type { MeterRead } from '../domain/config.js';
import type { Sample } from '../domain/point.js';
import type { Transaction, TransactionOutcome } from '../link/index.js';
import {
  decodeValue,
  dlt645Expectation,
  encodeRequest,
  BROADCAST_ADDRESS,
  formatAddress,
  FUNCTIONS,
  parseMeterAddress,
  readRequest,
  unmaskData,
  type Dlt645Expectation,
  type Dlt645Identifier,
} from '../protocol/dlt645/index.js';

/** The addresses meters configured with `discover` gave, per DTU, by slave. */
export type DiscoveredAddresses = Map<number, string>;

interface CompiledMeterRequest {
  readonly request: Buffer;
  readonly expectation: Dlt645Expectation;
}

const READ_ADDRESS: CompiledMeterRequest = (() => {
  const request = { kind: 'read-address', version: '2007' } as const;
  return { request: encodeRequest(request), expectation: dlt645Expectation(request) };
})();

// Encoded once per read and address, shared by every DTU of a profile.
const compiled = new WeakMap<MeterRead, Map<string, CompiledMeterRequest>>();

function readFor(read: MeterRead, address: string): CompiledMeterRequest {
  let byAddress = compiled.get(read);
  if (!byAddress) compiled.set(read, (byAddress = new Map()));
  let entry = byAddress.get(address);
  if (!entry) {
    const request = readRequest(read.meter.version, address, read.point.identifier!.di);
    if (request.kind !== 'read') throw new Error('unreachable');
    entry = { request: encodeRequest(request), expectation: dlt645Expectation(request) };
    byAddress.set(address, entry);
  }
  return entry;
}

export type MeterOutcome =
  | { readonly kind: 'sample'; readonly sample: Sample }
  /** The answer's bytes are no value (FF… from a meter without it, bad BCD): counted, never stored. */
  | { readonly kind: 'invalid' }
  /** A `discover` meter told its address. */
  | { readonly kind: 'discovered'; readonly address: string };

/**
 * A read-address answer's 6 bytes as the meter's address, only when later reads can be sent
 * to it: 12 decimal digits, neither the wildcard nor the broadcast address. Anything else (a
 * hex address, a short answer) is invalid, never kept, and discovery is asked again.
 */
function discoveredAddress(data: Uint8Array): MeterOutcome {
  if (data.length !== 6) return { kind: 'invalid' };
  const parsed = parseMeterAddress(formatAddress(data));
  if (!parsed.ok || !/^[0-9]{12}$/.test(parsed.address) || parsed.address === BROADCAST_ADDRESS)
    return { kind: 'invalid' };
  return { kind: 'discovered', address: parsed.address };
}

/** One meter read of one DTU: its request is the read, or the address question while the address is unknown. */
export class MeterPoll implements Transaction {
  readonly slave: number;

  constructor(
    readonly read: MeterRead,
    private readonly readKey: string,
    private readonly discovered: DiscoveredAddresses,
    readonly done: (outcome: TransactionOutcome) => void,
  ) {
    this.slave = read.slave;
  }

  /** The meter's address, configured or discovered; null while a `discover` meter has not answered. */
  get address(): string | null {
    return this.read.meter.address ?? this.discovered.get(this.slave) ?? null;
  }

  private get current(): CompiledMeterRequest {
    const address = this.address;
    return address === null ? READ_ADDRESS : readFor(this.read, address);
  }

  get request(): Uint8Array {
    return this.current.request;
  }

  get expectation(): Dlt645Expectation {
    return this.current.expectation;
  }

  get key(): string {
    return this.address === null ? `discover#${this.slave}` : this.readKey;
  }

  /** The DL/T 645 function of the request now (read data, or read address). */
  get fn(): number {
    if (this.address === null) return FUNCTIONS['2007'].readAddress;
    return FUNCTIONS[this.read.meter.version].readData;
  }
}

/** What an answer (the meter's frame, data +0x33) means for `poll`. */
export function meterAnswer(
  poll: MeterPoll,
  deviceId: string,
  buf: Uint8Array,
  dataOffset: number,
  dataLength: number,
  at: number,
): MeterOutcome {
  const data = unmaskData(buf, dataOffset, dataLength);
  if (poll.address === null) return discoveredAddress(data);
  const { point } = poll.read;
  const value = decodeValue(point.identifier as Dlt645Identifier, data);
  if (!value.ok) return { kind: 'invalid' };
  const number = typeof value.value === 'number' ? scaled(value.value, point) : null;
  return {
    kind: 'sample',
    sample: {
      deviceId,
      point: point.name,
      slave: point.slave,
      address: point.address,
      value: number,
      text: typeof value.value === 'string' ? value.value : null,
      raw: data.toString('hex'),
      ts: at,
      quality: 'good',
    },
  };
}

function scaled(value: number, point: MeterRead['point']): number {
  if (point.scale === 1 && point.offset === 0) return value;
  const out = value * point.scale + point.offset;
  return point.decimals === undefined ? out : Number(out.toFixed(point.decimals));
}

/** Keys are `task#m<index>`: apart from the block keys (`task#<index>`) of the same task. */
export function meterPolls(
  task: { readonly name: string; readonly meterReads?: readonly MeterRead[] },
  discovered: DiscoveredAddresses,
  settle: (poll: MeterPoll, outcome: TransactionOutcome) => void,
): MeterPoll[] {
  return (task.meterReads ?? []).map((read, i) => {
    const poll: MeterPoll = new MeterPoll(read, `${task.name}#m${i}`, discovered, (outcome) => settle(poll, outcome));
    return poll;
  });
}
