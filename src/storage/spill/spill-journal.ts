// The spill journal: an append-only log of WriteBatches on local disk, kept while the
// database cannot take them and replayed in order when it can.
//
// Files: <dir>/spill-<seq>.jrnl, a new segment every `segmentBytes`; segments are deleted
// once replayed. Record: a 16-byte header (magic, payload length, rows, CRC-32 of the
// payload) and the encoded batch. Every append is followed by fdatasync, so a batch the
// journal acknowledged survives kill -9 and power loss.
//
// Only the last record can be torn (a crash during its append); opening the journal checks
// the last record's length and CRC and cuts it off if it is incomplete or wrong. Any other
// record that fails its CRC when replayed (disk corruption) is skipped and reported.
//
// The replay position is kept in memory only: after a restart, a segment is replayed from
// its start, so batches replayed just before the stop come again. Stores skip a batch id
// they have applied (migration 002), so that costs a lookup, not a duplicate.
//
// Memory stays small whatever the journal's size: per segment, a few counters; the one
// batch being replayed is the only one read into memory.
import { mkdirSync } from 'node:fs';
import { open, readdir, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { Logger } from '../../log.js';
import type { WriteBatch } from '../write-batch.js';
import { decodeBatch, encodeBatch } from './batch-codec.js';

const MAGIC = 0x4a525444; // "DTRJ" read little-endian
const HEADER_BYTES = 16;
/** No batch comes near this; a larger length in a header means a corrupt header. */
const MAX_RECORD_BYTES = 1 << 30;
const SEGMENT_NAME = /^spill-(\d{8})\.jrnl$/;

export interface SpillJournalOptions {
  /** Start a new file past this size. */
  readonly segmentBytes: number;
  /** Refuse appends past this total size (the disk is bounded too). */
  readonly maxBytes: number;
}

interface Segment {
  readonly seq: number;
  readonly path: string;
  /** Bytes of whole records. */
  bytes: number;
}

export interface ReplayRecord {
  readonly batch: WriteBatch;
  readonly rows: number;
  readonly bytes: number;
}

export interface OpenReport {
  readonly records: number;
  readonly rows: number;
  readonly bytes: number;
  /** Bytes cut off the end of the last segment (a torn or corrupt last record). */
  readonly tornBytes: number;
}

export class SpillJournal {
  private readonly segments: Segment[] = [];
  private appendHandle: FileHandle | null = null;
  private readHandle: { seq: number; handle: FileHandle } | null = null;
  /** Where replay resumes in segments[0]. */
  private readOffset = 0;
  private tail: Promise<unknown> = Promise.resolve();

  private pendingRows = 0;
  private pendingBytes = 0;
  private pendingRecords = 0;
  /** Records skipped at replay because their CRC or content was wrong. */
  corruptRecords = 0;
  corruptRows = 0;

  private constructor(
    readonly dir: string,
    private readonly options: SpillJournalOptions,
    private readonly log: Logger,
  ) {}

  /** Opens (creating `dir` if needed) and checks the journal, cutting off a torn last record. */
  static async open(
    dir: string,
    options: SpillJournalOptions,
    log: Logger,
  ): Promise<{ journal: SpillJournal; report: OpenReport }> {
    mkdirSync(dir, { recursive: true });
    const journal = new SpillJournal(dir, options, log);
    const report = await journal.scan();
    return { journal, report };
  }

  get rows(): number {
    return this.pendingRows;
  }

  get bytes(): number {
    return this.pendingBytes;
  }

  get records(): number {
    return this.pendingRecords;
  }

  get isEmpty(): boolean {
    return this.pendingRecords === 0;
  }

  /** Writes the batch and syncs it to disk. `full`: over maxBytes, nothing written. */
  append(batch: WriteBatch): Promise<'written' | 'full'> {
    const result = this.tail.then(() => this.appendNow(batch));
    this.tail = result.catch(() => undefined);
    return result;
  }

  /**
   * Keeps a batch the database refuses for good in <dir>/rejected/, in the journal's own
   * record format, so nothing is lost and it can be inspected; returns the file's path.
   */
  quarantine(batch: WriteBatch): Promise<string> {
    const result = this.tail.then(() => this.quarantineNow(batch));
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** The oldest record not yet replayed, or null when there is none. Skips corrupt records. */
  next(): Promise<ReplayRecord | null> {
    const result = this.tail.then(() => this.readNext());
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Marks the record `next()` returned as replayed; deletes segments fully replayed. */
  consumed(record: ReplayRecord): Promise<void> {
    const result = this.tail.then(() => this.consume(record));
    this.tail = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    await this.tail;
    await this.appendHandle?.close();
    await this.readHandle?.handle.close();
    this.appendHandle = null;
    this.readHandle = null;
  }

  // ---------------------------------------------------------------- internals

  private async scan(): Promise<OpenReport> {
    const names = (await readdir(this.dir)).filter((n) => SEGMENT_NAME.test(n)).sort();
    let tornBytes = 0;
    for (const [index, name] of names.entries()) {
      const seq = Number(SEGMENT_NAME.exec(name)![1]);
      const path = join(this.dir, name);
      const last = index === names.length - 1;
      const { records, rows, bytes, size } = await scanSegment(path, last);
      if (bytes < size) {
        // Only the end of the newest file can be torn by a crash; anywhere else it is damage.
        const note = last
          ? 'torn record at the end of the spill journal cut off'
          : 'damaged spill journal segment cut short';
        (last ? this.log.warn : this.log.error).call(
          this.log,
          { file: path, keptBytes: bytes, cutBytes: size - bytes },
          note,
        );
        tornBytes += size - bytes;
        const handle = await open(path, 'r+');
        await handle.truncate(bytes);
        await handle.sync();
        await handle.close();
      }
      if (records === 0) {
        await rm(path, { force: true });
        continue;
      }
      this.segments.push({ seq, path, bytes });
      this.pendingRecords += records;
      this.pendingRows += rows;
      this.pendingBytes += bytes;
    }
    return { records: this.pendingRecords, rows: this.pendingRows, bytes: this.pendingBytes, tornBytes };
  }

  private async quarantineNow(batch: WriteBatch): Promise<string> {
    const dir = join(this.dir, 'rejected');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `rejected-${new Date().toISOString().slice(0, 10)}.jrnl`);
    const handle = await open(path, 'a');
    try {
      await handle.write(encodeRecord(batch));
      await handle.datasync();
    } finally {
      await handle.close();
    }
    return path;
  }

  private async appendNow(batch: WriteBatch): Promise<'written' | 'full'> {
    const record = encodeRecord(batch);
    if (this.pendingBytes + record.length > this.options.maxBytes) return 'full';
    let segment = this.segments.at(-1);
    if (!segment || !this.appendHandle || segment.bytes + record.length > this.options.segmentBytes) {
      segment = await this.startSegment(segment);
    }
    const handle = this.appendHandle!;
    let written = 0;
    while (written < record.length) {
      const { bytesWritten } = await handle.write(record, written, record.length - written, segment.bytes + written);
      written += bytesWritten;
    }
    await handle.datasync();
    segment.bytes += record.length;
    this.pendingRecords += 1;
    this.pendingRows += batch.rows;
    this.pendingBytes += record.length;
    return 'written';
  }

  /** Appends go to a new file when the newest is full or belongs to an earlier run. */
  private async startSegment(current: Segment | undefined): Promise<Segment> {
    if (current && this.appendHandle === null && current.bytes + HEADER_BYTES < this.options.segmentBytes) {
      // Reopen the newest file (after a restart) rather than leaving it half used.
      this.appendHandle = await open(current.path, 'r+');
      return current;
    }
    await this.appendHandle?.close();
    const seq = (current?.seq ?? 0) + 1;
    const segment: Segment = { seq, path: join(this.dir, `spill-${String(seq).padStart(8, '0')}.jrnl`), bytes: 0 };
    this.appendHandle = await open(segment.path, 'w');
    this.segments.push(segment);
    return segment;
  }

  private async readNext(): Promise<ReplayRecord | null> {
    for (;;) {
      const segment = this.segments[0];
      if (!segment) return null;
      if (this.pendingRecords === 0) {
        await this.reset();
        return null;
      }
      if (this.readOffset >= segment.bytes) {
        if (this.segments.length === 1) return null;
        await this.dropFirstSegment();
        continue;
      }
      const handle = await this.readerFor(segment);
      const header = Buffer.alloc(HEADER_BYTES);
      await readFully(handle, header, this.readOffset);
      const length = header.readUInt32LE(4);
      const rows = header.readUInt32LE(8);
      const payload = Buffer.alloc(length);
      await readFully(handle, payload, this.readOffset + HEADER_BYTES);
      const bytes = HEADER_BYTES + length;
      if (header.readUInt32LE(0) === MAGIC && crc32(payload) === header.readUInt32LE(12)) {
        try {
          return { batch: decodeBatch(payload), rows, bytes };
        } catch (err) {
          this.log.error(
            { err, file: segment.path, offset: this.readOffset },
            'spill journal record cannot be decoded; skipped',
          );
        }
      } else {
        this.log.error(
          { file: segment.path, offset: this.readOffset, rows },
          'spill journal record fails its checksum; skipped',
        );
      }
      this.corruptRecords += 1;
      this.corruptRows += rows;
      this.skip(rows, bytes);
    }
  }

  private async consume(record: ReplayRecord): Promise<void> {
    this.skip(record.rows, record.bytes);
    const segment = this.segments[0];
    if (!segment || this.readOffset < segment.bytes) return;
    if (this.segments.length > 1) await this.dropFirstSegment();
    else if (this.pendingRecords === 0) await this.reset();
  }

  private skip(rows: number, bytes: number): void {
    this.readOffset += bytes;
    this.pendingRecords -= 1;
    this.pendingRows -= rows;
    this.pendingBytes -= bytes;
  }

  private async dropFirstSegment(): Promise<void> {
    const segment = this.segments.shift()!;
    if (this.readHandle?.seq === segment.seq) {
      await this.readHandle.handle.close();
      this.readHandle = null;
    }
    await rm(segment.path, { force: true });
    this.readOffset = 0;
  }

  /** Everything replayed: remove the last file too, so an idle journal is an empty directory. */
  private async reset(): Promise<void> {
    await this.appendHandle?.close();
    this.appendHandle = null;
    while (this.segments.length > 0) await this.dropFirstSegment();
  }

  private async readerFor(segment: Segment): Promise<FileHandle> {
    if (this.readHandle?.seq === segment.seq) return this.readHandle.handle;
    await this.readHandle?.handle.close();
    this.readHandle = { seq: segment.seq, handle: await open(segment.path, 'r') };
    return this.readHandle.handle;
  }
}

function encodeRecord(batch: WriteBatch): Buffer {
  const payload = encodeBatch(batch);
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt32LE(MAGIC, 0);
  header.writeUInt32LE(payload.length, 4);
  header.writeUInt32LE(batch.rows, 8);
  header.writeUInt32LE(crc32(payload), 12);
  return Buffer.concat([header, payload]);
}

async function readFully(handle: FileHandle, into: Buffer, position: number): Promise<void> {
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
async function scanSegment(
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
