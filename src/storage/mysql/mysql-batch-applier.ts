// Commits WriteBatches to MySQL/MariaDB in one transaction, with the same meaning as the
// SQLite applier: device lifecycle first, then connections, heartbeats, raw packets and
// samples grouped by device (events after connections); devices' last_seen moved once per commit.
//
// Every kind of row goes in multi-row INSERTs of a few hundred rows: a network round trip
// per row would cap the rate at a few thousand rows per second. Samples, the bulk, go in
// one LOAD DATA LOCAL per commit where the server allows it (multi-row INSERTs otherwise),
// both ignoring a row already stored: device_data's key (device, time, point) is the row's
// identity. A whole batch applied again is skipped by its id (applied_batches).
//
// Device and point-name ids, and what point_sources holds per series, are cached for the
// applier's life and cleared when a transaction rolls back (what it wrote is gone). Names are
// looked up before inserting: InnoDB spends an auto-increment value on every INSERT IGNORE or
// ON DUPLICATE KEY UPDATE that finds its row, and device_data's ids are narrow (migration 006).
import { Readable } from 'node:stream';
import type { PoolConnection, QueryOptions, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { SAMPLE_TSV_COLUMNS, sampleLine, type SampleRow } from './sample-tsv.js';
import { chunks, insertRows, ROWS_PER_INSERT, type Row } from './insert-rows.js';
import type { Quality } from '../../domain/point.js';
import { PointSources } from '../point-sources.js';
import { RawPacketByteBudget, type RawPacketCaps } from '../raw-packet-budget.js';
import { capRawPacketRows, holdRawPacketBytes } from './mysql-raw-packet-caps.js';
import { qualityColumn, storedRaw, type StoredRaw } from '../raw-value.js';
import { PACKET_DIRECTIONS, RAW_PACKET_KINDS, SAMPLE_COUNTED, SAMPLE_STORED, type WriteBatch } from '../write-batch.js';
import { isLocalInfileRefused, PermanentBatchError } from './batch-errors.js';
import { MysqlRollups } from './mysql-rollups.js';

/** Raw packets are large (hex); bound each statement well under max_allowed_packet. */
const RAW_PACKET_BYTES_PER_INSERT = 1 << 20;

export class MysqlBatchApplier {
  private readonly deviceIds = new Map<string, number>();
  private readonly pointIds = new Map<string, number>();
  private readonly sources = new PointSources();
  private readonly rollups = new MysqlRollups();
  /** Cleared for good the first time the server refuses LOAD DATA LOCAL. */
  private loadData: boolean;

  private rawPacketsMaxRows: number;
  private readonly byteBudget: RawPacketByteBudget;

  constructor(
    options: Partial<RawPacketCaps> & { readonly loadData?: boolean } = {},
    private readonly onLoadDataRefused?: (error: string) => void,
  ) {
    this.loadData = options.loadData ?? true;
    this.rawPacketsMaxRows = options.rawPacketsMaxRows ?? 0;
    this.byteBudget = new RawPacketByteBudget(options.rawPacketsMaxBytes ?? 0);
  }

  /** server.yml reloaded: raw_packets' caps hold from the next commit on. */
  useRawPacketCaps(caps: RawPacketCaps): void {
    this.rawPacketsMaxRows = caps.rawPacketsMaxRows;
    this.byteBudget.resize(caps.rawPacketsMaxBytes);
  }

  /**
   * Bumped when the sink gives up on a commit past its deadline. The abandoned attempt's
   * connection is destroyed but its promise may never settle (mysql2 drops the callbacks),
   * or settle late while the next attempt runs: from then on it must not touch the id
   * caches or the rollup deltas, and its failure must not reset what the next attempt built.
   */
  private epoch = 0;

  /** Commits the batches, in order, all or nothing; throws on failure. */
  apply(connection: PoolConnection, batches: readonly WriteBatch[]): Promise<void> {
    return this.applyNow(connection, batches);
  }

  /** The running attempt is given up: the next one starts from what the database holds. */
  abandon(): void {
    this.epoch++;
    this.forget();
  }

  private forget(): void {
    this.deviceIds.clear();
    this.pointIds.clear();
    this.sources.clear();
    this.rollups.rolledBack();
    this.byteBudget.forget();
  }

  private async applyNow(connection: PoolConnection, batches: readonly WriteBatch[]): Promise<void> {
    const epoch = this.epoch;
    const live = () => {
      if (this.epoch !== epoch) throw new Error('commit abandoned after its deadline');
    };
    await connection.beginTransaction();
    try {
      await this.rollups.recoverIfNeeded(connection, live);
      const lastSeen = new Map<number, number>();
      const samples: SampleRow[][] = [];
      for (const batch of batches) samples.push(await this.applyRows(connection, batch, lastSeen, live));
      if (samples.some((rows) => rows.length > 0)) await this.insertSamples(connection, samples.flat());
      await this.touchDevices(connection, lastSeen);
      await this.rollups.endOfCommit(connection, live);
      await connection.commit();
    } catch (err) {
      if (this.epoch === epoch) this.forget();
      await connection.rollback().catch(() => undefined);
      throw err;
    }
  }

  /** Writes the rollups' pending deltas (the store is closing cleanly), in one transaction. */
  async drainRollups(connection: PoolConnection): Promise<void> {
    const epoch = this.epoch;
    const live = () => {
      if (this.epoch !== epoch) throw new Error('drain abandoned');
    };
    await connection.beginTransaction();
    try {
      await this.rollups.drain(connection, live);
      await connection.commit();
    } catch (err) {
      if (this.epoch === epoch) this.rollups.rolledBack();
      await connection.rollback().catch(() => undefined);
      throw err;
    }
  }

  /** `live` throws once this attempt is abandoned; called after each wait, before shared state changes. */
  private async applyRows(
    c: PoolConnection,
    batch: WriteBatch,
    lastSeen: Map<number, number>,
    live: () => void,
  ): Promise<SampleRow[]> {
    // A batch applied before (see migration 002) is skipped whole.
    const [marked] = await c.query<ResultSetHeader>(
      'INSERT IGNORE INTO applied_batches (id, rows_applied, applied_at) VALUES (?, ?, ?)',
      [batch.id, batch.rows, Date.now()],
    );
    if (marked.affectedRows === 0) return [];
    for (const op of batch.devices) {
      if (op.op === 'online') {
        const known = this.deviceIds.get(op.registrationId) ?? (await this.findDevice(c, op.registrationId, live));
        if (known !== undefined) {
          await c.query(
            `UPDATE devices SET profile = ?, first_seen = IF(first_seen = 0, ?, first_seen),
               last_seen = GREATEST(last_seen, ?), last_ip = ?, last_port = ?, status = 'online', listener = ? WHERE id = ?`,
            [op.profile, op.at, op.at, op.ip, op.port, op.listener, known],
          );
          continue;
        }
        // id = LAST_INSERT_ID(id): the reply carries the row's id whether inserted or updated.
        const [result] = await c.query<ResultSetHeader>(
          `INSERT INTO devices (registration_id, profile, name, first_seen, last_seen, last_ip, last_port, status, listener)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'online', ?)
           ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id), profile = VALUES(profile),
             first_seen = IF(first_seen = 0, VALUES(first_seen), first_seen),
             last_seen = GREATEST(last_seen, VALUES(last_seen)), last_ip = VALUES(last_ip), last_port = VALUES(last_port),
             status = 'online', listener = VALUES(listener)`,
          [op.registrationId, op.profile, op.name, op.at, op.at, op.ip, op.port, op.listener],
        );
        live();
        this.deviceIds.set(op.registrationId, result.insertId);
      } else {
        await c.query(
          `UPDATE devices SET status = 'offline', last_seen = GREATEST(last_seen, ?) WHERE registration_id = ?`,
          [op.at, op.registrationId],
        );
      }
    }

    await insertRows(
      c,
      'INSERT INTO connection_history (registration_id, event, remote_ip, remote_port, listener, details, at) VALUES ?',
      batch.connections.map((r) => [r.registrationId, r.event, r.ip, r.port, r.listener, r.details, r.at]),
    );

    await insertRows(
      c,
      'INSERT IGNORE INTO events (id, type, registration_id, rule, at, payload) VALUES ?',
      batch.events.map((e) => [e.id, e.type, e.registrationId, e.rule, e.at, JSON.stringify(e.payload)]),
    );

    const { strings, samples: s, rawPackets: p } = batch;
    // Every device the heartbeats and samples refer to, resolved in one round trip or two.
    const firstSeen = new Map<string, number>();
    for (const h of batch.heartbeats) if (!firstSeen.has(h.registrationId)) firstSeen.set(h.registrationId, h.at);
    for (let i = 0; i < s.count; i++) {
      const id = strings[s.device[i]!]!;
      if (!firstSeen.has(id)) firstSeen.set(id, s.ts[i]!);
    }
    await this.resolveDevices(c, firstSeen, live);

    const heartbeats: Row[] = [];
    for (const h of batch.heartbeats) {
      const deviceId = idOf(this.deviceIds, h.registrationId, 'device');
      heartbeats.push([deviceId, h.at, h.ip, h.port]);
      noteLastSeen(lastSeen, deviceId, h.at);
    }
    await insertRows(c, 'INSERT INTO heartbeat_log (device_id, at, remote_ip, remote_port) VALUES ?', heartbeats);

    const packets: Row[] = [];
    let start = 0;
    for (let i = 0; i < p.count; i++) {
      const end = p.byteEnd[i]!;
      const hex = Buffer.from(p.bytes.buffer, p.bytes.byteOffset + start, end - start).toString('hex');
      start = end;
      const device = p.device[i]!;
      const note = p.note[i]!;
      packets.push([
        device < 0 ? null : strings[device],
        PACKET_DIRECTIONS[p.direction[i]!],
        RAW_PACKET_KINDS[p.kind[i]!],
        hex,
        p.at[i],
        strings[p.ip[i]!],
        p.port[i],
        note < 0 ? null : strings[note],
      ]);
    }
    await insertRows(
      c,
      'INSERT INTO raw_packets (registration_id, direction, kind, hex, at, remote_ip, remote_port, note) VALUES ?',
      packets,
      (row) => (row[3] as string).length,
      RAW_PACKET_BYTES_PER_INSERT,
    );
    if (packets.length > 0) {
      await capRawPacketRows(c, this.rawPacketsMaxRows, packets.length);
      await holdRawPacketBytes(c, this.byteBudget, p.byteEnd[p.count - 1]!, live);
    }

    if (s.count === 0) return [];
    const pointNames = new Set<string>();
    for (let i = 0; i < s.count; i++) pointNames.add(strings[s.point[i]!]!);
    await this.resolvePoints(c, pointNames, live);
    live();
    // Grouped by device (stable, so each device's rows stay in time order): device_data is
    // clustered by device first, so consecutive rows land on the same pages.
    const byDevice = new Map<number, SampleRow[]>();
    const sources: Row[] = [];
    // Raw values as bytes, converted once per distinct string in the batch.
    const rawOfString: (StoredRaw | undefined)[] = new Array(strings.length);
    for (let i = 0; i < s.count; i++) {
      const deviceId = idOf(this.deviceIds, strings[s.device[i]!]!, 'device');
      let rows = byDevice.get(deviceId);
      if (!rows) byDevice.set(deviceId, (rows = []));
      const text = s.text[i]!;
      const value = s.value[i]!;
      const pointId = idOf(this.pointIds, strings[s.point[i]!]!, 'point');
      const flags = s.flags[i]!;
      const stored = (flags & SAMPLE_STORED) !== 0;
      if ((flags & SAMPLE_COUNTED) !== 0 && s.hasValue[i] === 1 && Number.isFinite(value))
        this.rollups.add(deviceId, pointId, s.ts[i]!, value, stored);
      noteLastSeen(lastSeen, deviceId, s.ts[i]!);
      if (!stored) continue;
      const slave = s.slave[i]!;
      const address = s.address[i]!;
      if (this.sources.changes(deviceId, pointId, slave, address)) sources.push([deviceId, pointId, slave, address]);
      const rawIndex = s.raw[i]!;
      const raw = (rawOfString[rawIndex] ??= storedRaw(strings[rawIndex]!));
      // Every row keeps its value: MySQL is where people query the history with plain SQL,
      // and compressed pages already hold a row at 26.5 B (value-decoder-choice.ts).
      rows.push({
        deviceId,
        ts: s.ts[i]!,
        pointId,
        // MySQL has no NaN or infinity; such a reading is stored as "no number".
        value: s.hasValue[i] === 1 && Number.isFinite(value) ? value : null,
        text: text < 0 ? null : strings[text]!,
        raw,
        quality: qualityColumn(strings[s.quality[i]!] as Quality, raw.text),
      });
    }
    await insertRows(
      c,
      `INSERT INTO point_sources (device_id, point_id, slave, address) VALUES ?
       ON DUPLICATE KEY UPDATE slave = VALUES(slave), address = VALUES(address)`,
      sources,
    );
    return [...byDevice.values()].flat();
  }

  /**
   * LOAD DATA LOCAL when the server allows it (MariaDB does by default), else multi-row
   * INSERT IGNORE. Both skip a row whose key is stored already.
   */
  private async insertSamples(c: PoolConnection, rows: readonly SampleRow[]): Promise<void> {
    if (this.loadData) {
      try {
        const text = Buffer.from(rows.map(sampleLine).join(''), 'utf8');
        await c.query({
          sql: `LOAD DATA LOCAL INFILE 'device_data.tsv' IGNORE INTO TABLE device_data CHARACTER SET utf8mb4 ${SAMPLE_TSV_COLUMNS}`,
          infileStreamFactory: () => Readable.from([text]),
        } as QueryOptions);
        return;
      } catch (err) {
        if (!isLocalInfileRefused(err)) throw err;
        // Refused before any row was read: the transaction is intact; use INSERTs from now on.
        this.loadData = false;
        this.onLoadDataRefused?.(err instanceof Error ? err.message : String(err));
      }
    }
    await insertRows(
      c,
      'INSERT IGNORE INTO device_data (device_id, received_at, point_id, value, text_value, raw_value, quality) VALUES ?',
      rows.map((r) => [r.deviceId, r.ts, r.pointId, r.value, r.text, r.raw.bytes, r.quality]),
    );
  }

  /** Makes sure every registration ID has a device row (a bare one if it never registered) and a cached id. */
  private async resolveDevices(c: PoolConnection, firstSeen: Map<string, number>, live: () => void): Promise<void> {
    let missing = [...firstSeen].filter(([id]) => !this.deviceIds.has(id));
    if (missing.length === 0) return;
    await this.selectDeviceIds(
      c,
      missing.map(([id]) => id),
      live,
    );
    missing = missing.filter(([id]) => !this.deviceIds.has(id));
    if (missing.length === 0) return;
    await insertRows(
      c,
      'INSERT IGNORE INTO devices (registration_id, profile, name, first_seen, last_seen, last_ip, last_port, status, listener) VALUES ?',
      missing.map(([id, at]) => [id, '', null, at, at, '', 0, 'online', '']),
    );
    await this.selectDeviceIds(
      c,
      missing.map(([id]) => id),
      live,
    );
  }

  private async findDevice(c: PoolConnection, registrationId: string, live: () => void): Promise<number | undefined> {
    await this.selectDeviceIds(c, [registrationId], live);
    return this.deviceIds.get(registrationId);
  }

  private async selectDeviceIds(
    c: PoolConnection,
    registrationIds: readonly string[],
    live: () => void,
  ): Promise<void> {
    for (const ids of chunks(registrationIds, ROWS_PER_INSERT)) {
      const [rows] = await c.query<RowDataPacket[]>(
        'SELECT id, registration_id FROM devices WHERE registration_id IN (?)',
        [ids],
      );
      live();
      for (const row of rows) this.deviceIds.set(row['registration_id'] as string, row['id'] as number);
    }
  }

  private async resolvePoints(c: PoolConnection, names: Set<string>, live: () => void): Promise<void> {
    let missing = [...names].filter((name) => !this.pointIds.has(name));
    if (missing.length === 0) return;
    await this.selectPointIds(c, missing, live);
    missing = missing.filter((name) => !this.pointIds.has(name));
    if (missing.length === 0) return;
    await insertRows(
      c,
      'INSERT IGNORE INTO point_names (name) VALUES ?',
      missing.map((name) => [name]),
    );
    await this.selectPointIds(c, missing, live);
  }

  private async selectPointIds(c: PoolConnection, names: readonly string[], live: () => void): Promise<void> {
    for (const part of chunks(names, ROWS_PER_INSERT)) {
      const [rows] = await c.query<RowDataPacket[]>('SELECT id, name FROM point_names WHERE name IN (?)', [part]);
      live();
      for (const row of rows) this.pointIds.set(row['name'] as string, row['id'] as number);
    }
  }

  /** One UPDATE per few hundred devices, joined against a derived table of (id, at). */
  private async touchDevices(c: PoolConnection, lastSeen: Map<number, number>): Promise<void> {
    for (const part of chunks([...lastSeen], ROWS_PER_INSERT)) {
      const derived = part.map(() => 'SELECT ? AS id, ? AS at').join(' UNION ALL ');
      await c.query(
        `UPDATE devices d JOIN (${derived}) t ON d.id = t.id SET d.last_seen = GREATEST(d.last_seen, t.at)`,
        part.flat(),
      );
    }
  }
}

/**
 * The id a lookup must have found. A miss means the database folded the name into another
 * (MySQL's PAD SPACE collation makes "A" and "A " equal): storing the row under id 0 would
 * lose it silently.
 */
function idOf(ids: ReadonlyMap<string, number>, name: string, what: 'device' | 'point'): number {
  const id = ids.get(name);
  if (id === undefined) throw new PermanentBatchError(`the database has no ${what} row for ${JSON.stringify(name)}`);
  return id;
}

function noteLastSeen(lastSeen: Map<number, number>, deviceId: number, at: number): void {
  const seen = lastSeen.get(deviceId);
  if (seen === undefined || at > seen) lastSeen.set(deviceId, at);
}

export { isPermanentBatchError, PermanentBatchError } from './batch-errors.js';
