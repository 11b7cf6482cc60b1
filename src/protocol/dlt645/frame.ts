// The DL/T 645 link frame, identical in the 2007 and 1997 editions:
//
//   [FE…] 68 A0 A1 A2 A3 A4 A5 68 C L DATA(L bytes) CS 16
//
// A0 is the low byte of the 12-digit BCD meter address (sent first); C is the control
// code (control.ts); every DATA byte is sent with 0x33 added, so that a run of zeros on
// the wire is not a run of zero bits; CS is the sum mod 256 of every byte from the first
// 68 to the last DATA byte. Meters and DTUs put 0xFE bytes in front to wake the meter's
// UART and let its receiver settle; they are not part of the frame.

export const FRAME_START = 0x68;
export const FRAME_END = 0x16;
export const WAKE_UP = 0xfe;
/** Added to every data byte on the wire (the standard's "+33H"). */
export const DATA_OFFSET = 0x33;
/** 68, six address bytes, 68, C, L. */
export const HEADER_LENGTH = 10;
/** Header + CS + 16: a frame with no data. */
export const MIN_FRAME_LENGTH = 12;
/** Both editions cap L at 200 bytes. */
export const MAX_DATA_LENGTH = 200;
export const MAX_FRAME_LENGTH = MIN_FRAME_LENGTH + MAX_DATA_LENGTH;
/** Wake-up bytes the encoders put in front unless told otherwise (what most masters send). */
export const DEFAULT_PREAMBLE = 4;
/** A longer preamble only costs air time on a slow bus; more than this is a mistake. */
export const MAX_PREAMBLE = 16;

/** Sum mod 256 of `buf[start, end)`. */
export function checksum(buf: Uint8Array, start: number, end: number): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += buf[i]!;
  return sum & 0xff;
}

export interface FrameParts {
  /** A0..A5 as on the wire (low byte first). */
  readonly address: Uint8Array;
  readonly control: number;
  /** The data field as meant, before the +0x33. */
  readonly data: Uint8Array;
}

/**
 * The bytes on the wire for one frame, `preamble` wake-up bytes first. Throws RangeError
 * on arguments no frame can carry: encoders are fed by config already checked.
 */
export function encodeFrame(parts: FrameParts, preamble: number = DEFAULT_PREAMBLE): Buffer {
  if (!Number.isInteger(preamble) || preamble < 0 || preamble > MAX_PREAMBLE) {
    throw new RangeError(`preamble must be an integer 0..${MAX_PREAMBLE}, got ${String(preamble)}`);
  }
  if (parts.address.length !== 6) throw new RangeError('a DL/T 645 address is 6 bytes');
  if (!Number.isInteger(parts.control) || parts.control < 0 || parts.control > 0xff) {
    throw new RangeError(`control code must be a byte, got ${String(parts.control)}`);
  }
  if (parts.data.length > MAX_DATA_LENGTH) {
    throw new RangeError(`a DL/T 645 data field holds at most ${MAX_DATA_LENGTH} bytes`);
  }
  const frame = Buffer.alloc(preamble + MIN_FRAME_LENGTH + parts.data.length, WAKE_UP);
  const at = preamble;
  frame[at] = FRAME_START;
  frame.set(parts.address, at + 1);
  frame[at + 7] = FRAME_START;
  frame[at + 8] = parts.control;
  frame[at + 9] = parts.data.length;
  for (let i = 0; i < parts.data.length; i++) frame[at + HEADER_LENGTH + i] = (parts.data[i]! + DATA_OFFSET) & 0xff;
  const cs = at + HEADER_LENGTH + parts.data.length;
  frame[cs] = checksum(frame, at, cs);
  frame[cs + 1] = FRAME_END;
  return frame;
}

/** The data field of the frame at `buf[start]` with the 0x33 taken off, as a new buffer. */
export function unmaskData(buf: Uint8Array, start: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) out[i] = (buf[start + i]! - DATA_OFFSET) & 0xff;
  return out;
}
