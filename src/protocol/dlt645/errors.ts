// The error-status byte a meter sends (control with D6 set, one data byte) when it cannot
// answer. Each bit is one reason and several can be set at once, so it decodes to a list.
// 2007: Appendix C, "error information word"; 1997: the control code section (abnormal answer).

import type { Dlt645Version } from './control.js';

export type Dlt645ErrorReason =
  | 'other error'
  | 'no data requested'
  | 'password error or unauthorised'
  | 'communication rate cannot change'
  | 'year time zone number exceeded'
  | 'day period number exceeded'
  | 'tariff number exceeded'
  | 'illegal data'
  | 'data identifier error'
  | 'reserved bit';

type BitNames = readonly [
  Dlt645ErrorReason,
  Dlt645ErrorReason,
  Dlt645ErrorReason,
  Dlt645ErrorReason,
  Dlt645ErrorReason,
  Dlt645ErrorReason,
  Dlt645ErrorReason,
  Dlt645ErrorReason,
];

// Bit 0 first. 2007 gave bits 0, 1 and 3 new meanings; bits 4..6 kept theirs.
const BITS: Record<Dlt645Version, BitNames> = {
  '2007': [
    'other error',
    'no data requested',
    'password error or unauthorised',
    'communication rate cannot change',
    'year time zone number exceeded',
    'day period number exceeded',
    'tariff number exceeded',
    'reserved bit',
  ],
  '1997': [
    'illegal data',
    'data identifier error',
    'password error or unauthorised',
    'reserved bit',
    'year time zone number exceeded',
    'day period number exceeded',
    'tariff number exceeded',
    'reserved bit',
  ],
};

/**
 * The reasons set in `status`, lowest bit first. A meter that sets no bit at all still
 * refused, so an empty byte reads as 'other error' rather than as no reason.
 */
export function decodeErrorStatus(version: Dlt645Version, status: number): Dlt645ErrorReason[] {
  const names = BITS[version];
  const out: Dlt645ErrorReason[] = [];
  for (let bit = 0; bit < 8; bit++) {
    const name = names[bit]!;
    if (status & (1 << bit) && !out.includes(name)) out.push(name);
  }
  return out.length > 0 ? out : ['other error'];
}
