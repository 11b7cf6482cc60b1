// Commits one WriteBatch to SQLite in one transaction with prepared statements. Runs in
// the writer worker (better-sqlite3 is synchronous), but has no worker code in it so tests
// can drive it directly.
//
// Order inside the transaction: device lifecycle (so a device row exists before its data),
// connection events as accepted, heartbeats, events, raw packets, then samples grouped by device.
// Grouping matters for speed: device_data is clustered by (device, time, point), so a
// device's rows go to the same leaf page one after another instead of hopping between
// devices' pages row by row.
//
// Point names become ids here, through a map that lives as long as the applier: a name
// costs one INSERT the first time it is ever seen and a Map lookup per batch after that.
// A series' slave and address go to point_sources the same way (migration 006): one upsert
// when the applier first sees the series and whenever they change, not one per row.
// A row's value, raw value and quality take two columns (migration 014, value-cell.ts); a text
// point's text goes to device_text in the same transaction.
import type Database from 'better-sqlite3';
import {
  PACKET_DIRECTIONS,
  RAW_PACKET_KINDS,
  SAMPLE_COUNTED,
  SAMPLE_STORED,
  type RawPacketColumns,
  type SampleColumns,
  type WriteBatch,
} from '../write-batch.js';
import { PointSources } from '../point-sources.js';
import {
  RawPacketByteBudget,
  trimThrough,
  TRIM_SCAN_ROWS,
  type RawPacketCaps,
  type SizedRow,
} from '../raw-packet-budget.js';
import { storedRaw, type StoredRaw } from '../raw-value.js';
import type { SqliteDatabase } from './sqlite-connection.js';
import { SqliteRollups } from './sqlite-rollups.js';
import { ValueDecoderChoice } from '../value-decoder-choice.js';
import { fillSampleArgs, SAMPLE_COLUMNS } from './sample-args.js';

/** Samples per multi-row INSERT: one native call for 50 rows instead of 50. */
const ROWS_PER_INSERT = 50;
// OR IGNORE: (device, time, point) is the row's identity; a sample stored already (a batch
// retried after a failure it survived) is not stored twice and does not fail the batch.
const SAMPLE_INSERT = 'INSERT OR IGNORE INTO device_data (device_id, received_at, point_id, raw_value, value) VALUES ';
const SAMPLE_VALUES = '(?, ?, ?, ?, ?)';
/** Rows over the raw-packet cap deleted per commit beyond the commit's own packets. */
const TRIM_EXTRA_ROWS = 5000;

export class SqliteBatchApplier {
  /** registration_id → devices.id; cleared when a transaction rolls back. */
  private readonly deviceIds = new Map<string, number>();
  /** point_names.name → id; cleared when a transaction rolls back. */
  private readonly pointIds = new Map<string, number>();
  /** What point_sources holds for each series; cleared when a transaction rolls back. */
  private readonly sources = new PointSources();
  private readonly upsertSource: Database.Statement;
  private readonly markApplied: Database.Statement;
  private readonly upsertDevice: Database.Statement;
  private readonly markOffline: Database.Statement;
  private readonly ensureDevice: Database.Statement;
  private readonly selectDevice: Database.Statement;
  private readonly touchDevice: Database.Statement;
  private readonly insertConnection: Database.Statement;
  private readonly insertHeartbeat: Database.Statement;
  private readonly insertRawPacket: Database.Statement;
  private readonly insertEvent: Database.Statement;
  private readonly insertPointName: Database.Statement;
  private readonly selectPointName: Database.Statement;
  private readonly insertSample: Database.Statement;
  private readonly insertSamples: Database.Statement;
  private readonly insertText: Database.Statement;
  private readonly sampleArgs: unknown[] = new Array(ROWS_PER_INSERT * SAMPLE_COLUMNS);
  private readonly applyInTransaction: Database.Transaction<(batches: readonly WriteBatch[]) => void>;
  private readonly rollups: SqliteRollups;
  private readonly decoders = new ValueDecoderChoice('sqlite'); // value-from-raw.ts

  private readonly trimRawPackets: Database.Statement;
  private readonly rawPacketBytes: Database.Statement;
  private readonly oldestRawPackets: Database.Statement;
  private readonly deleteRawPacketsThrough: Database.Statement;
  private readonly byteBudget: RawPacketByteBudget;
  private rawPacketsMaxRows: number;

  /**
   * raw_packets is held by every commit at `rawPacketsMaxRows` rows and `rawPacketsMaxBytes`
   * packet bytes (0: no cap).
   */
  constructor(
    private readonly db: SqliteDatabase,
    options: Partial<RawPacketCaps> = {},
  ) {
    this.rawPacketsMaxRows = options.rawPacketsMaxRows ?? 0;
    this.byteBudget = new RawPacketByteBudget(options.rawPacketsMaxBytes ?? 0);
    this.markApplied = db.prepare(
      'INSERT OR IGNORE INTO applied_batches (id, rows_applied, applied_at) VALUES (?, ?, ?)',
    );
    this.upsertDevice = db
      .prepare(
        `INSERT INTO devices (registration_id, profile, name, first_seen, last_seen, last_ip, last_port, status, listener)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'online', ?)
       ON CONFLICT (registration_id) DO UPDATE SET
         profile = excluded.profile, last_seen = MAX(devices.last_seen, excluded.last_seen),
         first_seen = CASE WHEN devices.first_seen = 0 THEN excluded.first_seen ELSE devices.first_seen END,
         last_ip = excluded.last_ip, last_port = excluded.last_port, status = 'online', listener = excluded.listener
       RETURNING id`,
      )
      .pluck();
    this.markOffline = db.prepare(
      `UPDATE devices SET status = 'offline', last_seen = MAX(last_seen, ?) WHERE registration_id = ?`,
    );
    // Data or heartbeats for a device we never saw register (e.g. the registration row was
    // dropped): create a bare row so the data is kept and can be found.
    this.ensureDevice = db.prepare(
      `INSERT INTO devices (registration_id, profile, name, first_seen, last_seen, last_ip, last_port, status, listener)
       VALUES (?, '', NULL, ?, ?, '', 0, 'online', '') ON CONFLICT (registration_id) DO NOTHING`,
    );
    this.selectDevice = db.prepare('SELECT id FROM devices WHERE registration_id = ?').pluck();
    this.touchDevice = db.prepare('UPDATE devices SET last_seen = MAX(last_seen, ?) WHERE id = ?');
    this.insertConnection = db.prepare(
      'INSERT INTO connection_history (registration_id, event, remote_ip, remote_port, listener, details, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertHeartbeat = db.prepare(
      'INSERT INTO heartbeat_log (device_id, at, remote_ip, remote_port) VALUES (?, ?, ?, ?)',
    );
    this.insertRawPacket = db.prepare(
      'INSERT INTO raw_packets (registration_id, direction, kind, hex, at, remote_ip, remote_port, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    // OR IGNORE: an event id is the event's identity (receivers de-duplicate on it too).
    this.trimRawPackets = db.prepare(
      'DELETE FROM raw_packets WHERE id IN (SELECT id FROM raw_packets WHERE id <= ? ORDER BY id LIMIT ?)',
    );
    // Packet bytes: the hex text is two characters a byte.
    this.rawPacketBytes = db.prepare('SELECT COALESCE(SUM(LENGTH(hex)), 0) / 2 FROM raw_packets').pluck();
    this.oldestRawPackets = db.prepare(
      'SELECT id, LENGTH(hex) / 2 AS bytes FROM raw_packets WHERE id > ? ORDER BY id LIMIT ?',
    );
    this.deleteRawPacketsThrough = db.prepare('DELETE FROM raw_packets WHERE id <= ?');
    this.insertEvent = db.prepare(
      'INSERT OR IGNORE INTO events (id, type, registration_id, rule, at, payload) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.insertPointName = db.prepare('INSERT INTO point_names (name) VALUES (?) ON CONFLICT (name) DO NOTHING');
    this.selectPointName = db.prepare('SELECT id FROM point_names WHERE name = ?').pluck();
    this.upsertSource = db.prepare(
      `INSERT INTO point_sources (device_id, point_id, slave, address) VALUES (?, ?, ?, ?)
       ON CONFLICT (device_id, point_id) DO UPDATE SET slave = excluded.slave, address = excluded.address`,
    );
    this.insertSample = db.prepare(SAMPLE_INSERT + SAMPLE_VALUES);
    this.insertSamples = db.prepare(SAMPLE_INSERT + new Array<string>(ROWS_PER_INSERT).fill(SAMPLE_VALUES).join(', '));
    // OR IGNORE as for the row itself: a retried sample keeps the text stored the first time.
    this.insertText = db.prepare(
      'INSERT OR IGNORE INTO device_text (device_id, received_at, point_id, text_value) VALUES (?, ?, ?, ?)',
    );
    this.rollups = new SqliteRollups(db);
    this.applyInTransaction = db.transaction((batches: readonly WriteBatch[]) => {
      this.rollups.recoverIfNeeded();
      // Devices' last_seen moves once per commit, not once per batch: with small batches
      // grouped into one commit, that is one UPDATE per device instead of one per batch.
      // Taking the MAX makes the order against online/offline updates irrelevant.
      const lastSeen = new Map<number, number>();
      for (const batch of batches) this.applyRows(batch, lastSeen);
      for (const [deviceId, at] of lastSeen) this.touchDevice.run(at, deviceId);
      this.rollups.endOfCommit();
    });
  }

  /**
   * Commits the batches, in order, in one transaction: all or nothing; throws on failure.
   * Several batches per commit is the writer catching up after falling behind: the cost
   * of a commit grows with the B-tree pages it touches, not with the rows, so bigger
   * commits are cheaper per row.
   */
  apply(batches: readonly WriteBatch[]): void {
    try {
      // IMMEDIATE: take the write lock up front rather than failing half-way on upgrade.
      this.applyInTransaction.immediate(batches);
    } catch (err) {
      // Ids cached during the rolled-back transaction may point at rows that no longer exist.
      this.deviceIds.clear();
      this.pointIds.clear();
      this.sources.clear();
      this.rollups.rolledBack();
      this.byteBudget.forget();
      throw err;
    }
  }

  /** server.yml reloaded: raw_packets' caps hold from the next commit on. */
  useRawPacketCaps(caps: RawPacketCaps): void {
    this.rawPacketsMaxRows = caps.rawPacketsMaxRows;
    this.byteBudget.resize(caps.rawPacketsMaxBytes);
  }

  /** Writes the rollups' pending deltas: the writer is closing cleanly. */
  drainRollups(): void {
    this.rollups.drain();
  }

  private applyRows(batch: WriteBatch, lastSeen: Map<number, number>): void {
    // A batch applied before (see migration 002) is skipped whole.
    if (this.markApplied.run(batch.id, batch.rows, Date.now()).changes === 0) return;
    for (const op of batch.devices) {
      if (op.op === 'online') {
        const id = this.upsertDevice.get(
          op.registrationId,
          op.profile,
          op.name,
          op.at,
          op.at,
          op.ip,
          op.port,
          op.listener,
        ) as number;
        this.deviceIds.set(op.registrationId, id);
      } else {
        this.markOffline.run(op.at, op.registrationId);
      }
    }
    for (const c of batch.connections) {
      this.insertConnection.run(c.registrationId, c.event, c.ip, c.port, c.listener, c.details, c.at);
    }
    for (const h of batch.heartbeats) {
      const deviceId = this.deviceId(h.registrationId, h.at);
      this.insertHeartbeat.run(deviceId, h.at, h.ip, h.port);
      noteLastSeen(lastSeen, deviceId, h.at);
    }
    for (const e of batch.events)
      this.insertEvent.run(e.id, e.type, e.registrationId, e.rule, e.at, JSON.stringify(e.payload));
    this.insertRawPackets(batch.strings, batch.rawPackets);
    this.insertSampleRows(batch.strings, batch.samples, lastSeen);
  }

  private deviceId(registrationId: string, at: number): number {
    const cached = this.deviceIds.get(registrationId);
    if (cached !== undefined) return cached;
    this.ensureDevice.run(registrationId, at, at);
    const id = this.selectDevice.get(registrationId) as number;
    this.deviceIds.set(registrationId, id);
    return id;
  }

  private pointId(name: string): number {
    const cached = this.pointIds.get(name);
    if (cached !== undefined) return cached;
    this.insertPointName.run(name);
    const id = this.selectPointName.get(name) as number;
    this.pointIds.set(name, id);
    return id;
  }

  private insertRawPackets(strings: readonly string[], p: RawPacketColumns): void {
    let start = 0;
    let lastId = 0;
    if (p.count === 0) return;
    for (let i = 0; i < p.count; i++) {
      const end = p.byteEnd[i]!;
      const hex = Buffer.from(p.bytes.buffer, p.bytes.byteOffset + start, end - start).toString('hex');
      start = end;
      const device = p.device[i]!;
      const note = p.note[i]!;
      lastId = Number(
        this.insertRawPacket.run(
          device < 0 ? null : strings[device],
          PACKET_DIRECTIONS[p.direction[i]!],
          RAW_PACKET_KINDS[p.kind[i]!],
          hex,
          p.at[i],
          strings[p.ip[i]!],
          p.port[i],
          note < 0 ? null : strings[note],
        ).lastInsertRowid,
      );
    }
    const cap = this.rawPacketsMaxRows;
    // The cap holds at every commit, not only at the hourly sweep: a flood of garbage must
    // not grow the table between sweeps. Ids are assigned in order, so the newest `cap` rows
    // are those above lastId - cap; a table found over its cap shrinks a few batches' worth
    // per commit rather than in one long transaction.
    if (cap > 0 && lastId > cap) this.trimRawPackets.run(lastId - cap, p.count + TRIM_EXTRA_ROWS);
    this.holdByteBudget(p.byteEnd[p.count - 1]!);
  }

  /** Deletes the oldest packets while raw_packets holds more bytes than its budget. */
  private holdByteBudget(inserted: number): void {
    const budget = this.byteBudget;
    if (budget.needsCount(inserted)) budget.counted(this.rawPacketBytes.get() as number);
    let need = budget.excess();
    let after = 0;
    while (need > 0) {
      const rows = this.oldestRawPackets.all(after, TRIM_SCAN_ROWS) as SizedRow[];
      if (rows.length === 0) break;
      const { lastId, freed } = trimThrough(rows, need);
      this.deleteRawPacketsThrough.run(lastId);
      budget.deleted(freed);
      need -= freed;
      after = lastId;
    }
  }

  private insertSampleRows(strings: readonly string[], s: SampleColumns, lastSeen: Map<number, number>): void {
    const n = s.count;
    if (n === 0) return;
    const order = this.groupByDevice(strings, s, lastSeen);
    // Point id of each interned string, resolved once per batch (0: not resolved yet).
    const pointIdOfString = new Float64Array(strings.length);
    // Raw values as bytes, converted once per distinct string in the batch.
    const rawOfString: (StoredRaw | undefined)[] = new Array(strings.length);
    const args = this.sampleArgs;
    const rollups = this.rollups;
    let k = 0;
    for (let j = 0; j < n; j++) {
      const i = order.rows[j]!;
      const name = s.point[i]!;
      let pointId = pointIdOfString[name]!;
      if (pointId === 0) pointId = pointIdOfString[name] = this.pointId(strings[name]!);
      const deviceId = order.deviceIdOfRow[i]!;
      const flags = s.flags[i]!;
      const value = s.value[i]!;
      const stored = (flags & SAMPLE_STORED) !== 0;
      if ((flags & SAMPLE_COUNTED) !== 0 && s.hasValue[i] === 1 && Number.isFinite(value))
        rollups.add(deviceId, pointId, s.ts[i]!, value, stored);
      if (!stored) continue;
      const slave = s.slave[i]!;
      const address = s.address[i]!;
      if (this.sources.changes(deviceId, pointId, slave, address))
        this.upsertSource.run(deviceId, pointId, slave, address);
      const rawIndex = s.raw[i]!;
      const raw = (rawOfString[rawIndex] ??= storedRaw(strings[rawIndex]!));
      const decoder =
        raw.text || s.hasValue[i] !== 1 || !Number.isFinite(value)
          ? 0
          : this.decoders.choose(pointId, value, raw.bytes);
      fillSampleArgs(args, k * SAMPLE_COLUMNS, strings, s, deviceId, pointId, i, raw, decoder);
      const text = s.text[i]!;
      if (text >= 0) this.insertText.run(deviceId, s.ts[i], pointId, strings[text]);
      if (++k === ROWS_PER_INSERT) {
        this.insertSamples.run(args);
        k = 0;
      }
    }
    for (let r = 0; r < k; r++) this.insertSample.run(args.slice(r * SAMPLE_COLUMNS, (r + 1) * SAMPLE_COLUMNS));
  }

  /** Counting sort of row indexes by device, stable within a device (keeps time order). */
  private groupByDevice(
    strings: readonly string[],
    s: SampleColumns,
    lastSeen: Map<number, number>,
  ): { rows: Uint32Array; deviceIdOfRow: Float64Array } {
    const n = s.count;
    const groupOfString = new Map<number, number>();
    const groupDeviceId: number[] = [];
    const groupSize: number[] = [];
    const groupOfRow = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const key = s.device[i]!;
      let group = groupOfString.get(key);
      if (group === undefined) {
        group = groupDeviceId.length;
        groupOfString.set(key, group);
        groupDeviceId.push(this.deviceId(strings[key]!, s.ts[i]!));
        groupSize.push(0);
      }
      groupOfRow[i] = group;
      groupSize[group]! += 1;
      noteLastSeen(lastSeen, groupDeviceId[group]!, s.ts[i]!);
    }
    const next = new Uint32Array(groupSize.length);
    for (let g = 1; g < groupSize.length; g++) next[g] = next[g - 1]! + groupSize[g - 1]!;
    const rows = new Uint32Array(n);
    const deviceIdOfRow = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const group = groupOfRow[i]!;
      rows[next[group]!++] = i;
      deviceIdOfRow[i] = groupDeviceId[group]!;
    }
    return { rows, deviceIdOfRow };
  }
}

function noteLastSeen(lastSeen: Map<number, number>, deviceId: number, at: number): void {
  const seen = lastSeen.get(deviceId);
  if (seen === undefined || at > seen) lastSeen.set(deviceId, at);
}
