// The unit of work handed to a store's writer: everything accepted between two flushes.
//
// Samples and raw packets, the high-volume rows, are kept column by column in typed arrays
// with strings interned in one table, so a batch of 100,000 rows crosses to the worker
// thread as a dozen transferred buffers and a few thousand strings instead of 100,000
// cloned objects. Device and connection events are rare and stay plain objects.
//
// The batch is plain data with no SQL in it: the MySQL store can consume the same shape.
import { randomBytes } from 'node:crypto';
import type { Sample } from '../domain/point.js';
import type {
  ConnectionRecord,
  DeviceUpsert,
  EventRecord,
  HeartbeatRecord,
  PacketDirection,
  RawPacketKind,
  RawPacketRecord,
} from './history.js';

export type DeviceOp =
  | ({ readonly op: 'online' } & DeviceUpsert)
  | { readonly op: 'offline'; readonly registrationId: string; readonly at: number };

/** Column `i` of every array describes sample `i`; strings are indexes into `strings`. */
export interface SampleColumns {
  readonly count: number;
  readonly device: Uint32Array;
  readonly point: Uint32Array;
  readonly slave: Int32Array;
  readonly address: Int32Array;
  readonly value: Float64Array;
  /** 1 when `value` holds a number, 0 for null (NaN cannot stand in: a float can be NaN). */
  readonly hasValue: Uint8Array;
  /** -1 for null. */
  readonly text: Int32Array;
  readonly raw: Uint32Array;
  readonly ts: Float64Array;
  readonly quality: Uint32Array;
  /** SAMPLE_STORED and/or SAMPLE_COUNTED. */
  readonly flags: Uint8Array;
}

/** The sample is written as a row of device_data. */
export const SAMPLE_STORED = 1;
/** The sample counts in the rollups (every sample does, stored or not: store by exception). */
export const SAMPLE_COUNTED = 2;
export const SAMPLE_STORED_AND_COUNTED = SAMPLE_STORED | SAMPLE_COUNTED;

export interface RawPacketColumns {
  readonly count: number;
  /** -1 for null. */
  readonly device: Int32Array;
  /** Index into PACKET_DIRECTIONS. */
  readonly direction: Uint8Array;
  /** Index into RAW_PACKET_KINDS. */
  readonly kind: Uint8Array;
  readonly at: Float64Array;
  readonly ip: Uint32Array;
  readonly port: Int32Array;
  /** -1 for null. */
  readonly note: Int32Array;
  /** Packet `i` is `bytes[byteEnd[i-1] .. byteEnd[i])` (0 for the first). */
  readonly byteEnd: Uint32Array;
  readonly bytes: Uint8Array;
}

export interface WriteBatch {
  /**
   * Unique across restarts. Stores record it in the batch's own transaction and skip a batch
   * whose id is already there, so a batch applied twice (a retry after a commit whose reply
   * was lost, a replay from the spill journal after a crash) changes nothing the second time.
   */
  readonly id: string;
  /** Rows in the batch, all kinds together. */
  readonly rows: number;
  readonly strings: readonly string[];
  /** In the order accepted: a device goes online before its data, offline after. */
  readonly devices: readonly DeviceOp[];
  /** In the order accepted. */
  readonly connections: readonly ConnectionRecord[];
  readonly heartbeats: readonly HeartbeatRecord[];
  /** Events of the event framework, in the order raised. */
  readonly events: readonly EventRecord[];
  readonly rawPackets: RawPacketColumns;
  readonly samples: SampleColumns;
}

export const PACKET_DIRECTIONS: readonly PacketDirection[] = ['in', 'out'];
export const RAW_PACKET_KINDS: readonly RawPacketKind[] = [
  'registration',
  'heartbeat',
  'request',
  'response',
  'exception',
  'garbage',
  'stray',
  'data',
  'ack',
];
const KIND_INDEX = new Map(RAW_PACKET_KINDS.map((kind, i) => [kind, i]));
/** Unknown kinds are stored as garbage rather than refused. */
const GARBAGE_KIND = RAW_PACKET_KINDS.indexOf('garbage');

/** Random per process start, so ids never repeat across restarts. */
const PROCESS_TAG = randomBytes(6).toString('hex');
let batchCounter = 0;

/** A fresh batch id: 12 hex digits of process tag, a dash, a base-36 counter (≤ 26 chars). */
export function newBatchId(): string {
  batchCounter += 1;
  return `${PROCESS_TAG}-${batchCounter.toString(36)}`;
}

/** The buffers to list as transferables when posting a batch to a worker. */
export function transferables(batch: WriteBatch): ArrayBuffer[] {
  const s = batch.samples;
  const r = batch.rawPackets;
  const views = [s.device, s.point, s.slave, s.address, s.value, s.hasValue, s.text, s.raw, s.ts, s.quality, s.flags];
  views.push(r.device, r.direction, r.kind, r.at, r.ip, r.port, r.note, r.byteEnd, r.bytes);
  return views.map((v) => v.buffer as ArrayBuffer);
}

type Growable = Uint8Array | Uint32Array | Int32Array | Float64Array;

function grown<T extends Growable>(array: T, capacity: number): T {
  const next = new (array.constructor as new (n: number) => T)(capacity);
  next.set(array);
  return next;
}

const INITIAL_CAPACITY = 256;

/** Accumulates one batch. O(1) amortised per row; copies everything it is given. */
export class WriteBatchBuilder {
  private readonly stringIndex = new Map<string, number>();
  private readonly strings: string[] = [];
  private readonly devices: DeviceOp[] = [];
  private readonly connections: ConnectionRecord[] = [];
  private readonly heartbeats: HeartbeatRecord[] = [];
  private readonly events: EventRecord[] = [];

  private sampleCount = 0;
  private sampleCapacity = INITIAL_CAPACITY;
  private sDevice = new Uint32Array(INITIAL_CAPACITY);
  private sPoint = new Uint32Array(INITIAL_CAPACITY);
  private sSlave = new Int32Array(INITIAL_CAPACITY);
  private sAddress = new Int32Array(INITIAL_CAPACITY);
  private sValue = new Float64Array(INITIAL_CAPACITY);
  private sHasValue = new Uint8Array(INITIAL_CAPACITY);
  private sText = new Int32Array(INITIAL_CAPACITY);
  private sRaw = new Uint32Array(INITIAL_CAPACITY);
  private sTs = new Float64Array(INITIAL_CAPACITY);
  private sQuality = new Uint32Array(INITIAL_CAPACITY);
  private sFlags = new Uint8Array(INITIAL_CAPACITY);

  private rawCount = 0;
  private rawCapacity = 16;
  private rDevice = new Int32Array(16);
  private rDirection = new Uint8Array(16);
  private rKind = new Uint8Array(16);
  private rAt = new Float64Array(16);
  private rIp = new Uint32Array(16);
  private rPort = new Int32Array(16);
  private rNote = new Int32Array(16);
  private rByteEnd = new Uint32Array(16);
  private rBytes = new Uint8Array(1024);
  private rByteLength = 0;

  get rows(): number {
    return (
      this.devices.length +
      this.connections.length +
      this.heartbeats.length +
      this.events.length +
      this.rawCount +
      this.sampleCount
    );
  }

  deviceOnline(update: DeviceUpsert): void {
    const { registrationId, profile, name, ip, port, listener, at } = update;
    this.devices.push({ op: 'online', registrationId, profile, name, ip, port, listener, at });
  }

  deviceOffline(registrationId: string, at: number): void {
    this.devices.push({ op: 'offline', registrationId, at });
  }

  connection(record: ConnectionRecord): void {
    const { registrationId, event, ip, port, listener, details, at } = record;
    this.connections.push({ registrationId, event, ip, port, listener, details, at });
  }

  heartbeat(record: HeartbeatRecord): void {
    this.heartbeats.push({ registrationId: record.registrationId, at: record.at, ip: record.ip, port: record.port });
  }

  event(record: EventRecord): void {
    const { id, type, registrationId, rule, at, payload } = record;
    if (typeof id !== 'string' || typeof type !== 'string') throw new TypeError('an event needs a string id and type');
    this.events.push({ id, type, registrationId, rule, at, payload });
  }

  sample(s: Sample, flags: number = SAMPLE_STORED_AND_COUNTED): void {
    // Read every field before touching the columns: a malformed record throws here and
    // leaves the batch as it was.
    const { deviceId, point, slave, address, value, text, raw, ts, quality } = s;
    if (this.sampleCount === this.sampleCapacity) this.growSamples();
    const i = this.sampleCount;
    this.sDevice[i] = this.intern(deviceId);
    this.sPoint[i] = this.intern(point);
    this.sSlave[i] = slave;
    this.sAddress[i] = address;
    this.sHasValue[i] = value === null ? 0 : 1;
    this.sValue[i] = value ?? 0;
    this.sText[i] = text === null ? -1 : this.intern(text);
    this.sRaw[i] = this.intern(raw);
    this.sTs[i] = ts;
    this.sQuality[i] = this.intern(quality);
    this.sFlags[i] = flags;
    this.sampleCount = i + 1;
  }

  rawPacket(p: RawPacketRecord): void {
    const { registrationId, direction, kind, bytes, at, ip, port, note } = p;
    const needed = this.rByteLength + bytes.length;
    if (this.rawCount === this.rawCapacity) this.growRaw();
    if (needed > this.rBytes.length) this.rBytes = grown(this.rBytes, Math.max(needed, this.rBytes.length * 2));
    const i = this.rawCount;
    this.rDevice[i] = registrationId === null ? -1 : this.intern(registrationId);
    this.rDirection[i] = direction === 'out' ? 1 : 0;
    this.rKind[i] = KIND_INDEX.get(kind) ?? GARBAGE_KIND;
    this.rAt[i] = at;
    this.rIp[i] = this.intern(ip);
    this.rPort[i] = port;
    this.rNote[i] = note === null ? -1 : this.intern(note);
    // Copy now: a socket Buffer is often a view into a larger pooled slab, and the caller
    // may reuse it as soon as we return.
    this.rBytes.set(bytes, this.rByteLength);
    this.rByteLength = needed;
    this.rByteEnd[i] = needed;
    this.rawCount = i + 1;
  }

  /** Hands the batch over; the builder must not be used afterwards. */
  finish(id: string = newBatchId()): WriteBatch {
    return {
      id,
      rows: this.rows,
      strings: this.strings,
      devices: this.devices,
      connections: this.connections,
      heartbeats: this.heartbeats,
      events: this.events,
      rawPackets: {
        count: this.rawCount,
        device: this.rDevice,
        direction: this.rDirection,
        kind: this.rKind,
        at: this.rAt,
        ip: this.rIp,
        port: this.rPort,
        note: this.rNote,
        byteEnd: this.rByteEnd,
        bytes: this.rBytes,
      },
      samples: {
        count: this.sampleCount,
        device: this.sDevice,
        point: this.sPoint,
        slave: this.sSlave,
        address: this.sAddress,
        value: this.sValue,
        hasValue: this.sHasValue,
        text: this.sText,
        raw: this.sRaw,
        ts: this.sTs,
        quality: this.sQuality,
        flags: this.sFlags,
      },
    };
  }

  private intern(text: string): number {
    let index = this.stringIndex.get(text);
    if (index === undefined) {
      index = this.strings.length;
      this.strings.push(text);
      this.stringIndex.set(text, index);
    }
    return index;
  }

  private growSamples(): void {
    const n = this.sampleCapacity * 2;
    this.sDevice = grown(this.sDevice, n);
    this.sPoint = grown(this.sPoint, n);
    this.sSlave = grown(this.sSlave, n);
    this.sAddress = grown(this.sAddress, n);
    this.sValue = grown(this.sValue, n);
    this.sHasValue = grown(this.sHasValue, n);
    this.sText = grown(this.sText, n);
    this.sRaw = grown(this.sRaw, n);
    this.sTs = grown(this.sTs, n);
    this.sQuality = grown(this.sQuality, n);
    this.sFlags = grown(this.sFlags, n);
    this.sampleCapacity = n;
  }

  private growRaw(): void {
    const n = this.rawCapacity * 2;
    this.rDevice = grown(this.rDevice, n);
    this.rDirection = grown(this.rDirection, n);
    this.rKind = grown(this.rKind, n);
    this.rAt = grown(this.rAt, n);
    this.rIp = grown(this.rIp, n);
    this.rPort = grown(this.rPort, n);
    this.rNote = grown(this.rNote, n);
    this.rByteEnd = grown(this.rByteEnd, n);
    this.rawCapacity = n;
  }
}
