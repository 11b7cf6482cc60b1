// The device memory of a simulated MELSEC CPU: a bit array per bit device kind and a word
// array per word device kind, sized like a Q/L CPU's defaults. Reads and writes outside a
// kind's size are refused (the server answers end code C056H), never grown.

/** Device kinds the simulator serves, with their codes in binary and ASCII requests. */
export interface SimDeviceKind {
  readonly name: string;
  readonly binaryCode: number;
  readonly asciiCode: string;
  readonly radix: 10 | 16;
  readonly bits: boolean;
  readonly size: number;
}

// Written from the manual's device code table, apart from protocol/mc, so a mistake in one
// fails a test instead of being repeated in both.
export const SIM_DEVICE_KINDS: readonly SimDeviceKind[] = [
  { name: 'X', binaryCode: 0x9c, asciiCode: 'X*', radix: 16, bits: true, size: 0x2000 },
  { name: 'Y', binaryCode: 0x9d, asciiCode: 'Y*', radix: 16, bits: true, size: 0x2000 },
  { name: 'M', binaryCode: 0x90, asciiCode: 'M*', radix: 10, bits: true, size: 8192 },
  { name: 'D', binaryCode: 0xa8, asciiCode: 'D*', radix: 10, bits: false, size: 12288 },
  { name: 'W', binaryCode: 0xb4, asciiCode: 'W*', radix: 16, bits: false, size: 0x2000 },
  { name: 'R', binaryCode: 0xaf, asciiCode: 'R*', radix: 10, bits: false, size: 32768 },
];

export class McMemory {
  private readonly areas = new Map<string, Uint16Array | Uint8Array>();

  constructor() {
    for (const kind of SIM_DEVICE_KINDS)
      this.areas.set(kind.name, kind.bits ? new Uint8Array(kind.size) : new Uint16Array(kind.size));
  }

  /** True when `count` devices from `head` exist. */
  fits(kind: SimDeviceKind, head: number, count: number): boolean {
    return head >= 0 && count >= 0 && head + count <= kind.size;
  }

  /** A word device's word, or 16 bits of a bit device from `number` (the first in bit 0). */
  word(kind: string, number: number): number {
    const area = this.area(kind);
    if (area instanceof Uint16Array) return area[number] ?? 0;
    let word = 0;
    for (let i = 0; i < 16; i++) if (area[number + i]) word |= 1 << i;
    return word;
  }

  setWord(kind: string, number: number, value: number): void {
    const area = this.area(kind);
    if (area instanceof Uint16Array) {
      area[number] = value & 0xffff;
      return;
    }
    for (let i = 0; i < 16 && number + i < area.length; i++) area[number + i] = (value >> i) & 1;
  }

  bit(kind: string, number: number): number {
    const area = this.area(kind);
    return area instanceof Uint8Array ? (area[number] ?? 0) : 0;
  }

  setBit(kind: string, number: number, on: boolean | number): void {
    const area = this.area(kind);
    if (area instanceof Uint8Array) area[number] = on ? 1 : 0;
  }

  private area(kind: string): Uint16Array | Uint8Array {
    const area = this.areas.get(kind.toUpperCase());
    if (!area) throw new RangeError(`no device kind ${kind} in the simulated PLC`);
    return area;
  }
}
