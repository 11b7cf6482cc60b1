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
// Memory stays small whatever the journal's size: per segment, a few counters; only the
// group of records being replayed is read into memory (bounded in rows by the caller).
//
// Disk space comes back a segment at a time, as soon as the replay has passed it: segments
// are small (a 16th of maxBytes in the store), and the cap counts every byte in a file. A
// failed append (ENOSPC, EIO) cuts the file back to its last whole record.
import { mkdirSync } from 'node:fs';
import { open, readdir, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { Logger } from '../../log.js';
import type { WriteBatch } from '../write-batch.js';
import { decodeBatch } from './batch-codec.js';
import {
  encodeRecord,
  HEADER_BYTES,
  MAGIC,
  readAheadBytes,
  readFully,
  readRecordAt,
  scanSegment,
} from './journal-record.js';

const SEGMENT_NAME = /^spill-(\d{8})\.jrnl$/;

export interface SpillJournalOptions {
  /** Start a new file past this size. */
  readonly segmentBytes: number;
  /** Refuse appends past this total size (the disk is bounded too). */
  readonly maxBytes: number;
  /** Where records are written: the seam a test uses to make the disk full. */
  readonly files?: SpillFiles;
}

/** The journal's one file write, so that a full disk can be simulated. */
export interface SpillFiles {
  write(
    handle: FileHandle,
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
  ): Promise<{ bytesWritten: number }>;
}

const NODE_FILES: SpillFiles = {
  write: (handle, buffer, offset, length, position) => handle.write(buffer, offset, length, position),
};

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
  /** Bytes in the files, replayed or not: what the disk holds. */
  private fileBytes = 0;
  private readonly files: SpillFiles;
  /** Records skipped at replay because their CRC or content was wrong. */
  corruptRecords = 0;
  corruptRows = 0;

  private constructor(
    readonly dir: string,
    private readonly options: SpillJournalOptions,
    private readonly log: Logger,
  ) {
    this.files = options.files ?? NODE_FILES;
  }

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

  /** Bytes the journal's files take on disk, including replayed records of the oldest one. */
  get diskBytes(): number {
    return this.fileBytes;
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
  async next(): Promise<ReplayRecord | null> {
    return (await this.nextGroup(1))[0] ?? null;
  }

  /**
   * The oldest records not yet replayed, in order: at least one (none when the journal is
   * empty), then more while they stay within `maxRows` and the same segment. Skips corrupt
   * records. Nothing is consumed until `consumed()` says so.
   */
  nextGroup(maxRows: number): Promise<ReplayRecord[]> {
    const result = this.tail.then(() => this.readGroup(maxRows));
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Marks records `next()`/`nextGroup()` returned as replayed; deletes segments fully replayed. */
  consumed(records: ReplayRecord | readonly ReplayRecord[]): Promise<void> {
    const list = Array.isArray(records) ? records : [records as ReplayRecord];
    const result = this.tail.then(() => this.consume(list));
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
      this.fileBytes += bytes;
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
    if (this.fileBytes + record.length > this.options.maxBytes) return 'full';
    let segment = this.segments.at(-1);
    if (!segment || !this.appendHandle || segment.bytes + record.length > this.options.segmentBytes) {
      segment = await this.startSegment(segment);
    }
    const handle = this.appendHandle!;
    try {
      let written = 0;
      while (written < record.length) {
        const { bytesWritten } = await this.files.write(
          handle,
          record,
          written,
          record.length - written,
          segment.bytes + written,
        );
        written += bytesWritten;
      }
      await handle.datasync();
    } catch (err) {
      // Give back what the torn record took; if even that fails, the open scan cuts it off.
      await handle.truncate(segment.bytes).catch(() => undefined);
      throw err;
    }
    segment.bytes += record.length;
    this.pendingRecords += 1;
    this.pendingRows += batch.rows;
    this.pendingBytes += record.length;
    this.fileBytes += record.length;
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

  private async readGroup(maxRows: number): Promise<ReplayRecord[]> {
    const group: ReplayRecord[] = [];
    let rows = 0;
    for (;;) {
      const segment = this.segments[0];
      if (!segment) return group;
      if (this.pendingRecords === 0) {
        await this.reset();
        return group;
      }
      if (this.readOffset >= segment.bytes) {
        if (this.segments.length === 1) return group;
        await this.dropFirstSegment();
        continue;
      }
      // One read for the whole group (a record per read made the replay wait on the disk).
      const base = this.readOffset;
      const chunk = Buffer.allocUnsafe(Math.min(segment.bytes - base, readAheadBytes(maxRows)));
      await readFully(await this.readerFor(segment), chunk, base);
      let at = 0;
      while (base + at < segment.bytes && (group.length === 0 || rows < maxRows)) {
        const inChunk =
          at + HEADER_BYTES <= chunk.length && at + HEADER_BYTES + chunk.readUInt32LE(at + 4) <= chunk.length;
        if (!inChunk && group.length > 0) return group;
        const bytes = inChunk
          ? chunk.subarray(at, at + HEADER_BYTES + chunk.readUInt32LE(at + 4))
          : await readRecordAt(await this.readerFor(segment), base + at);
        const record = this.parseRecord(bytes, segment, base + at, group.length === 0);
        at += bytes.length;
        if (record === null) {
          // A damaged record ends the group; skipped (and counted) when it comes first.
          if (group.length > 0) return group;
          continue;
        }
        if (group.length > 0 && rows + record.rows > maxRows) return group;
        group.push(record);
        rows += record.rows;
      }
      return group;
    }
  }

  /** The record in `bytes`, or null when it is damaged (then counted and skipped if it comes `first`). */
  private parseRecord(bytes: Buffer, segment: Segment, offset: number, first: boolean): ReplayRecord | null {
    const rows = bytes.readUInt32LE(8);
    const payload = bytes.subarray(HEADER_BYTES);
    if (bytes.readUInt32LE(0) === MAGIC && crc32(payload) === bytes.readUInt32LE(12)) {
      try {
        return { batch: decodeBatch(payload), rows, bytes: bytes.length };
      } catch (err) {
        if (!first) return null;
        this.log.error({ err, file: segment.path, offset }, 'spill journal record cannot be decoded; skipped');
      }
    } else {
      if (!first) return null;
      this.log.error({ file: segment.path, offset, rows }, 'spill journal record fails its checksum; skipped');
    }
    this.corruptRecords += 1;
    this.corruptRows += rows;
    this.skip(rows, bytes.length);
    return null;
  }

  private async consume(records: readonly ReplayRecord[]): Promise<void> {
    for (const record of records) this.skip(record.rows, record.bytes);
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
    this.fileBytes -= segment.bytes;
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
