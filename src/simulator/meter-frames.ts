// DL/T 645 frames as the simulated meters read and write them. Written apart from the
// gateway's codec (protocol/dlt645/), from the frame layout of the standard, so that a
// codec bug fails a test instead of being repeated on both ends.
//
//   FE… 68 A0..A5 68 C L DATA(+33H each) CS 16     (CS: sum of 68 … last data byte, mod 256)

/** A request as a meter on the bus sees it: address as printed (12 hex digits), data without the +33H. */
export interface MeterFrame {
  readonly address: string;
  readonly control: number;
  readonly data: Buffer;
}

export type MeterFrameRead = 'need-more' | 'invalid' | { readonly length: number; readonly frame: MeterFrame };

/**
 * The frame whose wake-up bytes start at `buf[start]` (0xFE), or why not. A master always
 * sends wake-up bytes first, which is how the simulated bus tells a meter's frame from
 * Modbus (0xFE is no Modbus slave address).
 */
export function readMeterFrame(buf: Buffer, start: number): MeterFrameRead {
  let at = start;
  while (at < buf.length && buf[at] === 0xfe) at++;
  if (buf.length - at < 10) return 'need-more';
  if (buf[at] !== 0x68 || buf[at + 7] !== 0x68) return 'invalid';
  const length = buf[at + 9]!;
  const end = at + 12 + length;
  if (buf.length < end) return 'need-more';
  let sum = 0;
  for (let k = at; k < end - 2; k++) sum = (sum + buf[k]!) & 0xff;
  if (sum !== buf[end - 2] || buf[end - 1] !== 0x16) return 'invalid';
  let address = '';
  for (let k = 6; k >= 1; k--) address += buf[at + k]!.toString(16).padStart(2, '0');
  const data = Buffer.alloc(length);
  for (let k = 0; k < length; k++) data[k] = (buf[at + 10 + k]! - 0x33) & 0xff;
  return { length: end - start, frame: { address: address.toUpperCase(), control: buf[at + 8]!, data } };
}

/** A meter's answer: `control` already has the direction bit; `data` as meant (the +33H is added here). */
export function meterAnswerFrame(address: string, control: number, data: Uint8Array): Buffer {
  const out = Buffer.alloc(2 + 12 + data.length, 0xfe);
  const at = 2; // meters also wake the master's UART
  out[at] = 0x68;
  for (let k = 0; k < 6; k++) out[at + 1 + k] = Number.parseInt(address.slice(10 - 2 * k, 12 - 2 * k), 16);
  out[at + 7] = 0x68;
  out[at + 8] = control;
  out[at + 9] = data.length;
  for (let k = 0; k < data.length; k++) out[at + 10 + k] = (data[k]! + 0x33) & 0xff;
  let sum = 0;
  for (let k = at; k < at + 10 + data.length; k++) sum = (sum + out[k]!) & 0xff;
  out[at + 10 + data.length] = sum;
  out[at + 11 + data.length] = 0x16;
  return out;
}

/** `value` × 10^decimals as `length` BCD bytes, low byte first; a sign in the top bit when `signed`. */
export function bcdBytes(value: number, length: number, decimals: number, signed: boolean): Buffer {
  let rest = Math.round(Math.abs(value) * 10 ** decimals);
  const out = Buffer.alloc(length);
  for (let k = 0; k < length; k++) {
    const pair = rest % 100;
    out[k] = (Math.floor(pair / 10) << 4) | (pair % 10);
    rest = Math.floor(rest / 100);
  }
  if (signed && value < 0) out[length - 1] = out[length - 1]! | 0x80;
  return out;
}
