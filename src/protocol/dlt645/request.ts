// Requests a master sends. A request carries what its answer must match (address,
// function, data identifier), so the same object encodes the frame and checks the reply.

import { type AddressParse, BROADCAST_ADDRESS, parseMeterAddress, WILDCARD_ADDRESS } from './address.js';
import { toBcdByte } from './bcd.js';
import { FUNCTIONS, type Dlt645Version, identifierLength } from './control.js';
import { DEFAULT_PREAMBLE, encodeFrame, MAX_DATA_LENGTH } from './frame.js';

export type Dlt645Request =
  /** Read one data identifier. `di` is DI3..DI0 (2007) or DI1 DI0 (1997) as a number. */
  | { readonly kind: 'read'; readonly version: Dlt645Version; readonly address: string; readonly di: number }
  /** 2007 only: the one meter on the bus answers with its address. */
  | { readonly kind: 'read-address'; readonly version: '2007' }
  /** Sets every meter's clock; no meter answers. */
  | { readonly kind: 'broadcast-time'; readonly version: Dlt645Version; readonly time: MeterTime }
  /**
   * 2007 only: writes `value` (already in the identifier's format, low byte first) to `di`.
   * The meter checks the password and records the operator code with the change.
   */
  | {
      readonly kind: 'write';
      readonly version: '2007';
      readonly address: string;
      readonly di: number;
      readonly password: MeterPassword;
      /** Four bytes, as sent (C0 first). */
      readonly operator: Uint8Array;
      readonly value: Uint8Array;
    };

/** The password a 2007 write carries: a permission level (PA) and the password P2 P1 P0. */
export interface MeterPassword {
  /** 0..99, lower is more privileged; meters commonly use 02 or 04. */
  readonly level: number;
  /** The password as printed, 6 digits (P2 first); sent low byte first. */
  readonly digits: string;
}

/** Bytes a 2007 write puts before the value: DI (4), PA P0 P1 P2 (4), C0..C3 (4). */
const WRITE_HEADER_LENGTH = 12;

/** A meter's clock is local wall time with two-digit years; no time zone travels. */
export interface MeterTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/** A read of `di` from the meter at `address` (normalised to 12 digits). Throws RangeError on bad arguments. */
export function readRequest(version: Dlt645Version, address: string, di: number): Dlt645Request {
  identifierBytes(version, di);
  return { kind: 'read', version, address: requireAddress(parseMeterAddress(address), address).address, di };
}

/**
 * A 2007 write of `value` to `di` at the meter `address`. Throws RangeError on bad arguments
 * (an unknown address, a password that is not 6 digits, a value too long for one frame).
 */
export function writeRequest(
  address: string,
  di: number,
  value: Uint8Array,
  password: MeterPassword,
  operator: Uint8Array = new Uint8Array(4),
): Dlt645Request {
  const request: Dlt645Request = {
    kind: 'write',
    version: '2007',
    address: requireAddress(parseMeterAddress(address), address).address,
    di,
    password,
    operator,
    value,
  };
  writeData(request);
  return request;
}

/** The bytes for `request`, behind `preamble` wake-up bytes. Throws RangeError on bad arguments. */
export function encodeRequest(request: Dlt645Request, preamble: number = DEFAULT_PREAMBLE): Buffer {
  switch (request.kind) {
    case 'read': {
      const address = requireAddress(parseMeterAddress(request.address), request.address).bytes;
      const data = identifierBytes(request.version, request.di);
      return encodeFrame({ address, control: FUNCTIONS[request.version].readData, data }, preamble);
    }
    case 'read-address': {
      const address = requireAddress(parseMeterAddress(WILDCARD_ADDRESS), WILDCARD_ADDRESS).bytes;
      return encodeFrame({ address, control: FUNCTIONS['2007'].readAddress, data: new Uint8Array(0) }, preamble);
    }
    case 'broadcast-time': {
      const address = requireAddress(parseMeterAddress(BROADCAST_ADDRESS), BROADCAST_ADDRESS).bytes;
      const data = timeBytes(request.time);
      return encodeFrame({ address, control: FUNCTIONS[request.version].broadcastTime, data }, preamble);
    }
    case 'write': {
      const address = requireAddress(parseMeterAddress(request.address), request.address).bytes;
      return encodeFrame({ address, control: FUNCTIONS['2007'].writeData, data: writeData(request) }, preamble);
    }
  }
}

/** DI as sent: DI0 (low byte) first. */
export function identifierBytes(version: Dlt645Version, di: number): Uint8Array {
  const length = identifierLength(version);
  const max = length === 4 ? 0xffffffff : 0xffff;
  if (!Number.isInteger(di) || di < 0 || di > max) {
    throw new RangeError(`a ${version} data identifier is ${length} bytes, got ${String(di)}`);
  }
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = Math.floor(di / 2 ** (8 * i)) & 0xff;
  return out;
}

/** The data identifier at `data[0]` (already unmasked), or null when the field is shorter. */
export function readIdentifier(version: Dlt645Version, data: Uint8Array): number | null {
  const length = identifierLength(version);
  if (data.length < length) return null;
  let di = 0;
  for (let i = length - 1; i >= 0; i--) di = di * 256 + data[i]!;
  return di;
}

function requireAddress(parsed: AddressParse, text: string): Extract<AddressParse, { ok: true }> {
  if (!parsed.ok) throw new RangeError(`not a DL/T 645 meter address (${parsed.reason}): ${JSON.stringify(text)}`);
  return parsed;
}

function writeData(request: Extract<Dlt645Request, { kind: 'write' }>): Uint8Array {
  const { level, digits } = request.password;
  if (!Number.isInteger(level) || level < 0 || level > 99) throw new RangeError('password level must be 0..99');
  if (!/^[0-9]{6}$/.test(digits)) throw new RangeError('a DL/T 645 password is 6 digits');
  if (request.operator.length !== 4) throw new RangeError('an operator code is 4 bytes');
  if (WRITE_HEADER_LENGTH + request.value.length > MAX_DATA_LENGTH) {
    throw new RangeError(`a write value holds at most ${MAX_DATA_LENGTH - WRITE_HEADER_LENGTH} bytes`);
  }
  const data = new Uint8Array(WRITE_HEADER_LENGTH + request.value.length);
  data.set(identifierBytes('2007', request.di), 0);
  data[4] = toBcdByte(level);
  for (let i = 0; i < 3; i++) data[5 + i] = Number.parseInt(digits.slice(4 - 2 * i, 6 - 2 * i), 16);
  data.set(request.operator, 8);
  data.set(request.value, WRITE_HEADER_LENGTH);
  return data;
}

/** ss mm hh DD MM YY, seconds first (both editions, broadcast time sync). */
function timeBytes(t: MeterTime): Uint8Array {
  const fields: [number, number, number][] = [
    [t.second, 0, 59],
    [t.minute, 0, 59],
    [t.hour, 0, 23],
    [t.day, 1, 31],
    [t.month, 1, 12],
    [t.year % 100, 0, 99],
  ];
  if (!Number.isInteger(t.year) || t.year < 2000 || t.year > 2099) throw new RangeError('year must be 2000..2099');
  return Uint8Array.from(
    fields.map(([value, min, max]) => {
      if (!Number.isInteger(value) || value < min || value > max) {
        throw new RangeError(`time field ${String(value)} is outside ${min}..${max}`);
      }
      return toBcdByte(value);
    }),
  );
}
