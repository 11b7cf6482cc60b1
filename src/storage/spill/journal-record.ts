// The spill journal's record format and the reads that walk it: a 16-byte header (magic,
// payload length, rows, CRC-32 of the payload) then the encoded batch.
import { open, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import type { WriteBatch } from '../write-batch.js';
import { encodeBatch } from './batch-codec.js';

export const MAGIC = 0x4a525444; // "DTRJ" read little-endian
export const HEADER_BYTES = 16;
/** No batch comes near this; a larger length in a header means a corrupt header. */
const MAX_RECORD_BYTES = 1 << 30;

export function encodeRecord(batch: WriteBatch): Buffer {
  const payload = encodeBatch(batch);
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt32LE(MAGIC, 0);
  header.writeUInt32LE(payload.length, 4);
  header.writeUInt32LE(batch.rows, 8);
  header.writeUInt32LE(crc32(payload), 12);
  return Buffer.concat([header, payload]);
}

export async function readFully(handle: FileHandle, into: Buffer, position: number): Promise<void> {
  let read = 0;
  while (read < into.length) {
    const { bytesRead } = await handle.read(into, read, into.length - read, position + read);
    if (bytesRead === 0) throw new Error(`spill journal ends early at byte ${position + read}`);
    read += bytesRead;
  }
}

/**
 * Walks a segment's record headers. The checksum of the last record is checked too when the
 * segment is the newest one: that is where a crash tears a record.
 */
export async function scanSegment(
  path: string,
  newest: boolean,
): Promise<{ records: number; rows: number; bytes: number; size: number }> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    const header = Buffer.alloc(HEADER_BYTES);
    let offset = 0;
    let records = 0;
    let rows = 0;
    let lastStart = -1;
    let lastRows = 0;
    while (offset + HEADER_BYTES <= size) {
      await readFully(handle, header, offset);
      const length = header.readUInt32LE(4);
      if (header.readUInt32LE(0) !== MAGIC || length > MAX_RECORD_BYTES || offset + HEADER_BYTES + length > size) break;
      lastStart = offset;
      lastRows = header.readUInt32LE(8);
      records += 1;
      rows += lastRows;
      offset += HEADER_BYTES + length;
    }
    if (newest && lastStart >= 0) {
      await readFully(handle, header, lastStart);
      const payload = Buffer.alloc(header.readUInt32LE(4));
      await readFully(handle, payload, lastStart + HEADER_BYTES);
      if (crc32(payload) !== header.readUInt32LE(12)) {
        records -= 1;
        rows -= lastRows;
        offset = lastStart;
      }
    }
    return { records, rows, bytes: offset, size };
  } finally {
    await handle.close();
  }
}

/** A record read on its own (header and payload): one larger than the read-ahead. */
export async function readRecordAt(handle: FileHandle, offset: number): Promise<Buffer> {
  const header = Buffer.alloc(HEADER_BYTES);
  await readFully(handle, header, offset);
  const bytes = Buffer.alloc(HEADER_BYTES + header.readUInt32LE(4));
  header.copy(bytes);
  await readFully(handle, bytes.subarray(HEADER_BYTES), offset + HEADER_BYTES);
  return bytes;
}

/** Bytes read at once for a replay group of `maxRows`: a stored row takes 30–50 bytes. */
export function readAheadBytes(maxRows: number): number {
  return Math.min(8 * 2 ** 20, Math.max(64 * 1024, maxRows * 64));
}
