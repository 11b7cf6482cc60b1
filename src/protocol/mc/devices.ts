// MELSEC device kinds (the PLC's memory areas; "device" is Mitsubishi's word for them,
// not a dtuhub device) that the MC channel reads and writes, with their codes in the 3E
// frame for Q/L subcommands 0000/0001 (checked against the iQ-R MC protocol reference
// manual's "Device code list", §8.1, and the Q00UJCPU manual's table for R = AFH). X, Y, B
// and W number their devices in hexadecimal on Q/L/iQ-R CPUs, so their addresses are
// written and sent that way. FX CPUs number X and Y in octal and use other codes (1E
// frame); they are not served here.

export type McDeviceKindName = 'X' | 'Y' | 'M' | 'D' | 'W' | 'R';

export interface McDeviceKind {
  readonly name: McDeviceKindName;
  /** One byte in binary frames. */
  readonly binaryCode: number;
  /** Two characters in ASCII frames (the name padded with `*`). */
  readonly asciiCode: string;
  /** How device numbers are written: X10 is the seventeenth input. */
  readonly radix: 10 | 16;
  /** Bit devices (inputs, outputs, relays) hold one bit per number; word devices 16. */
  readonly unit: 'bit' | 'word';
}

export const MC_DEVICE_KINDS: Readonly<Record<McDeviceKindName, McDeviceKind>> = {
  X: { name: 'X', binaryCode: 0x9c, asciiCode: 'X*', radix: 16, unit: 'bit' },
  Y: { name: 'Y', binaryCode: 0x9d, asciiCode: 'Y*', radix: 16, unit: 'bit' },
  M: { name: 'M', binaryCode: 0x90, asciiCode: 'M*', radix: 10, unit: 'bit' },
  D: { name: 'D', binaryCode: 0xa8, asciiCode: 'D*', radix: 10, unit: 'word' },
  W: { name: 'W', binaryCode: 0xb4, asciiCode: 'W*', radix: 16, unit: 'word' },
  R: { name: 'R', binaryCode: 0xaf, asciiCode: 'R*', radix: 10, unit: 'word' },
};

/** The largest head device number a 3E frame carries: three bytes in binary, six digits in ASCII. */
export function maxDeviceNumber(kind: McDeviceKind): number {
  return kind.radix === 16 ? 0xffffff : 999_999;
}

export function deviceKindByBinaryCode(code: number): McDeviceKind | undefined {
  return Object.values(MC_DEVICE_KINDS).find((k) => k.binaryCode === code);
}

export function deviceKindByAsciiCode(code: string): McDeviceKind | undefined {
  return Object.values(MC_DEVICE_KINDS).find((k) => k.asciiCode === code);
}
