// CRC-16/MODBUS (poly 0xA001 reflected, init 0xFFFF), table driven: it runs once per
// frame in each direction, so it sits on the hot path.

const TABLE = buildTable();

function buildTable(): Uint16Array {
  const table = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
    table[n] = c;
  }
  return table;
}

/** CRC over `buf[start, end)`. On the wire it is sent low byte first. */
export function crc16(buf: Uint8Array, start = 0, end = buf.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) {
    crc = (crc >>> 8) ^ TABLE[(crc ^ buf[i]!) & 0xff]!;
  }
  return crc;
}

/** True when the last two bytes of `buf[start, end)` are the CRC of the bytes before them. */
export function hasValidCrc(buf: Uint8Array, start: number, end: number): boolean {
  if (end - start < 3) return false;
  const crc = crc16(buf, start, end - 2);
  return buf[end - 2] === (crc & 0xff) && buf[end - 1] === crc >>> 8;
}

/** Writes the CRC of `buf[0, end)` into `buf[end]`, `buf[end + 1]` (low byte first). */
export function writeCrc(buf: Uint8Array, end: number): void {
  const crc = crc16(buf, 0, end);
  buf[end] = crc & 0xff;
  buf[end + 1] = crc >>> 8;
}
