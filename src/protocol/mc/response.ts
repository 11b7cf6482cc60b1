// A 3E response frame → end code and data, and the data → the values the request asked for.
// Pure and total: any bytes give a result or a reason, never an exception, because they come
// from the network.
import {
  END_CODE_LENGTH,
  HEADER_LENGTH,
  MC_COMMAND,
  expectedDataLength,
  type McDestination,
  type McFrameFormat,
  type McRequest,
} from './frame.js';

export interface McResponse {
  readonly destination: McDestination;
  /** 0: done; anything else is the PLC's error code (SH-080008, "Error codes"). */
  readonly endCode: number;
  /** What follows the end code: read data, or the error information of a failed request. */
  readonly data: Buffer;
}

const HEX = /^[0-9A-Fa-f]*$/;

/** The response subheader as it starts a frame: D0 00, or the text "D000". */
export const RESPONSE_SUBHEADER: Readonly<Record<McFrameFormat, Buffer>> = {
  binary: Buffer.from([0xd0, 0x00]),
  ascii: Buffer.from('D000', 'latin1'),
};

/**
 * The value of the header's length field, or null when the header cannot start a response
 * (wrong subheader, non-hex text, a length too short for an end code). `header` holds at
 * least HEADER_LENGTH[format] bytes.
 */
export function declaredLength(format: McFrameFormat, header: Buffer): number | null {
  const sub = RESPONSE_SUBHEADER[format];
  if (header.length < HEADER_LENGTH[format] || !header.subarray(0, sub.length).equals(sub)) return null;
  let length: number;
  if (format === 'binary') length = header.readUInt16LE(7);
  else {
    const text = header.toString('latin1', 4, 18);
    if (!HEX.test(text)) return null;
    length = parseInt(text.slice(10, 14), 16);
  }
  return length >= END_CODE_LENGTH[format] ? length : null;
}

/** A whole frame (header + length) → its parts; null when it is not one. */
export function parseResponse(format: McFrameFormat, frame: Buffer): McResponse | null {
  const length = declaredLength(format, frame);
  if (length === null || frame.length !== HEADER_LENGTH[format] + length) return null;
  if (format === 'binary') {
    return {
      destination: { network: frame[2]!, pc: frame[3]!, moduleIo: frame.readUInt16LE(4), station: frame[6]! },
      endCode: frame.readUInt16LE(9),
      data: frame.subarray(11),
    };
  }
  const text = frame.toString('latin1');
  const endCode = text.slice(18, 22);
  if (!HEX.test(endCode)) return null;
  return {
    destination: {
      network: parseInt(text.slice(4, 6), 16),
      pc: parseInt(text.slice(6, 8), 16),
      moduleIo: parseInt(text.slice(8, 12), 16),
      station: parseInt(text.slice(12, 14), 16),
    },
    endCode: parseInt(endCode, 16),
    data: frame.subarray(22),
  };
}

export type McAnswer =
  /** Read: one number per point (a word, or 0/1); write: empty. */
  | { readonly kind: 'ok'; readonly values: number[] }
  | { readonly kind: 'end-code'; readonly endCode: number }
  /** Not the answer to this request: another station's, or data of the wrong size or form. */
  | { readonly kind: 'mismatch'; readonly problem: string };

/** The response checked against the request it should answer. */
export function readAnswer(
  format: McFrameFormat,
  request: McRequest,
  destination: McDestination,
  response: McResponse,
): McAnswer {
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
