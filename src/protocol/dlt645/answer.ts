// Is this frame the answer to the request in flight? The RS-485 bus behind a DTU is
// half-duplex with one request outstanding, but a late answer from the previous meter, an
// echo of our own request or another meter's frame can still arrive: only a frame from
// the addressed meter, for the same function and the same data identifier, is an answer.

import { formatAddress, WILDCARD_ADDRESS } from './address.js';
import { FUNCTIONS, parseControl } from './control.js';
import { decodeErrorStatus, type Dlt645ErrorReason } from './errors.js';
import { readIdentifier, type Dlt645Request } from './request.js';
import type { Dlt645Frame } from './stream.js';

export type Dlt645Answer =
  /** A read answered: `data` is what follows the identifier, still BCD. */
  | {
      readonly kind: 'data';
      readonly address: string;
      readonly di: number;
      readonly data: Buffer;
      /** The meter has more for this identifier (read follow-up frames). */
      readonly followUp: boolean;
    }
  /** A write the meter accepted (2007: 94H with no data). */
  | { readonly kind: 'written'; readonly address: string }
  /** The address a meter gave for "read communication address". */
  | { readonly kind: 'address'; readonly address: string }
  /** The meter refused; `reasons` are the bits of its error-status byte. */
  | {
      readonly kind: 'exception';
      readonly address: string;
      readonly status: number;
      readonly reasons: readonly Dlt645ErrorReason[];
    }
  | { readonly kind: 'mismatch'; readonly reason: Dlt645MismatchReason };

export type Dlt645MismatchReason =
  /** A master's frame (D7 clear), e.g. an echo of the request. */
  | 'direction'
  | 'function'
  | 'address'
  | 'identifier'
  /** A data field too short (or, for an error answer, not one byte). */
  | 'length'
  /** The request was a broadcast, which no meter answers. */
  | 'unsolicited';

export function checkAnswer(request: Dlt645Request, frame: Dlt645Frame): Dlt645Answer {
  if (request.kind === 'broadcast-time') return mismatch('unsolicited');
  const control = parseControl(frame.control);
  if (!control.fromMeter) return mismatch('direction');
  const fn =
    request.kind === 'read'
      ? FUNCTIONS[request.version].readData
      : request.kind === 'write'
        ? FUNCTIONS['2007'].writeData
        : FUNCTIONS['2007'].readAddress;
  if (control.fn !== fn) return mismatch('function');
  // Any meter may answer the wildcard (the one meter on a bus); otherwise only the addressed one.
  if (request.kind !== 'read-address' && request.address !== WILDCARD_ADDRESS && frame.address !== request.address) {
    return mismatch('address');
  }

  if (control.error) {
    if (frame.data.length !== 1) return mismatch('length');
    const status = frame.data[0]!;
    return { kind: 'exception', address: frame.address, status, reasons: decodeErrorStatus(request.version, status) };
  }
  if (request.kind === 'write') {
    return frame.data.length === 0 ? { kind: 'written', address: frame.address } : mismatch('length');
  }
  if (request.kind === 'read-address') {
    if (frame.data.length !== 6) return mismatch('length');
    // The meter answers from the address it reports; two that differ are not one meter.
    const address = formatAddress(frame.data);
    return address === frame.address ? { kind: 'address', address } : mismatch('address');
  }
  const di = readIdentifier(request.version, frame.data);
  if (di === null) return mismatch('length');
  if (di !== request.di) return mismatch('identifier');
  const data = frame.data.subarray(request.version === '2007' ? 4 : 2);
  return { kind: 'data', address: frame.address, di, data, followUp: control.followUp };
}

function mismatch(reason: Dlt645MismatchReason): Dlt645Answer {
  return { kind: 'mismatch', reason };
}
