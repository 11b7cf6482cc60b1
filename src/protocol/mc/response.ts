// A 3E or 4E response frame → serial, end code and data, and the data → the values the request asked for.
// Pure and total: any bytes give a result or a reason, never an exception, because they come
// from the network.
import {
  END_CODE_LENGTH,
  MC_COMMAND,
  expectedDataLength,
  headerLength,
  routeOffset,
  type McDestination,
  type McFrameFormat,
  type McFrameType,
  type McRequest,
} from './frame.js';

export interface McResponse {
  /** 4E: the serial number the answer carries back; 3E: null. */
  readonly serial: number | null;
  readonly destination: McDestination;
  /** 0: done; anything else is the PLC's error code (SH-080008, "Error codes"). */
  readonly endCode: number;
  /** What follows the end code: read data, or the error information of a failed request. */
  readonly data: Buffer;
}

const HEX = /^[0-9A-Fa-f]*$/;

/** The response subheader as it starts a frame: D0 00 / D4 00, or the text "D000" / "D400". */
export const RESPONSE_SUBHEADER: Readonly<Record<McFrameType, Readonly<Record<McFrameFormat, Buffer>>>> = {
  '3e': { binary: Buffer.from([0xd0, 0x00]), ascii: Buffer.from('D000', 'latin1') },
  '4e': { binary: Buffer.from([0xd4, 0x00]), ascii: Buffer.from('D400', 'latin1') },
};

/**
 * The value of the header's length field, or null when the header cannot start a response
 * (wrong subheader, 4E fixed bytes that are not 0000, non-hex text, a length too short for
 * an end code). `header` holds at least headerLength(format, frame) bytes.
 */
export function declaredLength(format: McFrameFormat, header: Buffer, frame: McFrameType = '3e'): number | null {
  const sub = RESPONSE_SUBHEADER[frame][format];
  const size = headerLength(format, frame);
  if (header.length < size || !header.subarray(0, sub.length).equals(sub)) return null;
  let length: number;
  if (format === 'binary') {
    if (frame === '4e' && header.readUInt16LE(4) !== 0) return null;
    length = header.readUInt16LE(size - 2);
  } else {
    const text = header.toString('latin1', sub.length, size);
    if (!HEX.test(text) || (frame === '4e' && text.slice(4, 8) !== '0000')) return null;
    length = parseInt(text.slice(-4), 16);
  }
  return length >= END_CODE_LENGTH[format] ? length : null;
}

/** A whole frame (header + length) → its parts; null when it is not one. */
export function parseResponse(format: McFrameFormat, frame: Buffer, type: McFrameType = '3e'): McResponse | null {
  const length = declaredLength(format, frame, type);
  const size = headerLength(format, type);
  if (length === null || frame.length !== size + length) return null;
  const at = routeOffset(format, type);
  if (format === 'binary') {
    return {
      serial: type === '4e' ? frame.readUInt16LE(2) : null,
      destination: {
        network: frame[at]!,
        pc: frame[at + 1]!,
        moduleIo: frame.readUInt16LE(at + 2),
        station: frame[at + 4]!,
      },
      endCode: frame.readUInt16LE(size),
      data: frame.subarray(size + 2),
    };
  }
  const text = frame.toString('latin1');
  const endCode = text.slice(size, size + 4);
  if (!HEX.test(endCode)) return null;
  const field = (from: number, digits: number) => parseInt(text.slice(at + from, at + from + digits), 16);
  return {
    serial: type === '4e' ? parseInt(text.slice(4, 8), 16) : null,
    destination: { network: field(0, 2), pc: field(2, 2), moduleIo: field(4, 4), station: field(8, 2) },
    endCode: parseInt(endCode, 16),
    data: frame.subarray(size + 4),
  };
}

export type McAnswer =
  /** Read: one number per point (a word, or 0/1); write: empty. */
  | { readonly kind: 'ok'; readonly values: number[] }
  | { readonly kind: 'end-code'; readonly endCode: number }
  /**
   * Not the answer to this request: another request's (4E serial), another station's, or
   * data of the wrong size or form.
   */
  | { readonly kind: 'mismatch'; readonly problem: string };

/**
 * The response checked against the request it should answer; `serial` is the 4E request's
 * serial number (undefined for 3E, where only timing keeps answers apart).
 */
export function readAnswer(
  format: McFrameFormat,
  request: McRequest,
  destination: McDestination,
  response: McResponse,
  serial?: number,
): McAnswer {
  if (serial !== undefined && response.serial !== serial)
    return {
      kind: 'mismatch',
      problem:
        response.serial === null
          ? `answer without a serial number, expected ${serial}`
          : `answer to serial ${response.serial}, expected ${serial}`,
    };
  const d = response.destination;
  if (
    d.network !== destination.network ||
    d.pc !== destination.pc ||
    d.moduleIo !== destination.moduleIo ||
    d.station !== destination.station
  )
    return { kind: 'mismatch', problem: 'answer from another station' };
  if (response.endCode !== 0) return { kind: 'end-code', endCode: response.endCode };
  const expected = expectedDataLength(format, request);
  const data = withoutAsciiPadding(format, request, response.data, expected);
  if (data.length !== expected)
    return {
      kind: 'mismatch',
      problem: `${data.length} data ${format === 'binary' ? 'bytes' : 'characters'}, expected ${expected}`,
    };
  if (request.command === MC_COMMAND.batchWrite) return { kind: 'ok', values: [] };
  const values = format === 'binary' ? binaryValues(request, data) : asciiValues(request, data);
  return values ? { kind: 'ok', values } : { kind: 'mismatch', problem: 'data that is not bits or hex' };
}

/**
 * Some PLCs answer an odd number of bits in ASCII with a dummy `0` after the last point, as
 * the manuals print for 1E frames (whether 3E does is not shown in the pages we could read):
 * one trailing `0` beyond an odd count is taken as that padding, never as data.
 */
function withoutAsciiPadding(format: McFrameFormat, r: McRequest, data: Buffer, expected: number): Buffer {
  const padded =
    format === 'ascii' &&
    r.command !== MC_COMMAND.batchWrite &&
    r.unit === 'bit' &&
    r.points % 2 === 1 &&
    data.length === expected + 1 &&
    data[expected] === 0x30;
  return padded ? data.subarray(0, expected) : data;
}

function binaryValues(r: McRequest, data: Buffer): number[] | null {
  const out: number[] = [];
  if (r.unit === 'word') for (let i = 0; i < r.points; i++) out.push(data.readUInt16LE(i * 2));
  else
    for (let i = 0; i < r.points; i++) {
      // A nibble is 0 (off) or 1 (on); anything else is not a bit.
      const nibble = (data[i >> 1]! >> (i % 2 === 0 ? 4 : 0)) & 0x0f;
      if (nibble > 1) return null;
      out.push(nibble);
    }
  return out;
}

function asciiValues(r: McRequest, data: Buffer): number[] | null {
  const text = data.toString('latin1');
  if (r.unit === 'bit') return /^[01]*$/.test(text) ? [...text].map((c) => (c === '1' ? 1 : 0)) : null;
  if (!HEX.test(text)) return null;
  const out: number[] = [];
  for (let i = 0; i < r.points; i++) out.push(parseInt(text.slice(i * 4, i * 4 + 4), 16));
  return out;
}

/** An end code as the PLC manuals print it: `C051H`. */
export function formatEndCode(endCode: number): string {
  return `${endCode.toString(16).toUpperCase().padStart(4, '0')}H`;
}
