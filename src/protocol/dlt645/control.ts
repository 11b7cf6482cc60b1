// The control code C: D7 direction (1 = a meter's answer), D6 the meter could not do it
// (the data field is then the error-status byte), D5 more data follows in another frame,
// D4..D0 the function. The two editions number the functions differently: a 2007 read is
// 11H, a 1997 read 01H, so the edition is a property of the meter, set per slave.

export type Dlt645Version = '2007' | '1997';

export const DIRECTION_BIT = 0x80;
export const ERROR_BIT = 0x40;
export const FOLLOW_UP_BIT = 0x20;
export const FUNCTION_MASK = 0x1f;

/** Function codes this codec sends, per edition (the control code tables of each standard). */
export const FUNCTIONS = {
  '2007': { broadcastTime: 0x08, readData: 0x11, readFollowUp: 0x12, readAddress: 0x13, writeData: 0x14 },
  '1997': { broadcastTime: 0x08, readData: 0x01, readFollowUp: 0x02, readAddress: null, writeData: 0x04 },
} as const;

/** Data identifier length: 4 bytes (DI0..DI3) in 2007, 2 bytes (DI0, DI1) in 1997. */
export function identifierLength(version: Dlt645Version): 2 | 4 {
  return version === '2007' ? 4 : 2;
}

export interface ControlCode {
  /** True when a meter sent it (D7). */
  readonly fromMeter: boolean;
  /** True when the meter answers that it could not do what was asked (D6). */
  readonly error: boolean;
  /** True when another frame with more data follows (D5). */
  readonly followUp: boolean;
  readonly fn: number;
}

export function parseControl(control: number): ControlCode {
  return {
    fromMeter: (control & DIRECTION_BIT) !== 0,
    error: (control & ERROR_BIT) !== 0,
    followUp: (control & FOLLOW_UP_BIT) !== 0,
    fn: control & FUNCTION_MASK,
  };
}
