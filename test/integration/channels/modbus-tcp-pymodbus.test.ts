// The Modbus TCP channel against pymodbus (Debian's python3-pymodbus), a server dtuhub's
// code had no part in: the registers put in its datastore must come out of device_data as
// the values computed here from those registers, independently of dtuhub's decoders.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { removeDir, startApp, waitFor, type Harness } from '../../helpers/app-harness.js';
import { dataRows, type DataRowView } from '../../helpers/db.js';
import { startPymodbusServer, type PymodbusServer } from '../../helpers/pymodbus.js';

let h: Harness | null = null;
let peer: PymodbusServer | null = null;

afterEach(async () => {
  await h?.stop();
  if (h) removeDir(h.dir);
  h = null;
  await peer?.stop();
  peer = null;
});

const DEVICE = 'PY-METER';

/** Big-endian bytes of 16-bit registers, as they travel. */
function wire(registers: readonly number[]): DataView {
  const view = new DataView(new ArrayBuffer(registers.length * 2));
  registers.forEach((r, i) => view.setUint16(i * 2, r));
  return view;
}

const hex = (registers: readonly number[]) => registers.map((r) => r.toString(16).padStart(4, '0')).join('');

// Unit 1, holding registers from 100.
const T_INT16 = [0xff38]; // int16 -200, scale 0.1
const E_UINT32_CDAB = [0x5678, 0x1234]; // words swapped on the wire: 0x12345678
const F_FLOAT32 = [0xc49a, 0x5000]; // float32 ABCD
const FLAGS = [0x0108]; // bit 3 set, bit 0 clear
const NAME = [0x5059, 0x2d4d, 0x4554, 0x4552]; // "PY-METER"
const HOLDING = [...T_INT16, ...E_UINT32_CDAB, ...F_FLOAT32, ...FLAGS, 0, ...NAME];
// Unit 1, input registers from 300; coils from 10.
const IN_TEMP = [2512]; // int16 × 0.01
const COILS = [1, 0, 1, 1, 0, 0, 0, 0];
// Unit 2 has its own register 100.
const UNIT2_VALUE = [4321];

/** What each point must read, worked out here from the registers above. */
const EXPECTED: Record<string, { value: number | null; text?: string; raw?: string }> = {
  t_int16: { value: Math.round(wire(T_INT16).getInt16(0) * 0.1 * 10) / 10, raw: hex(T_INT16) },
  e_uint32_cdab: { value: wire([E_UINT32_CDAB[1]!, E_UINT32_CDAB[0]!]).getUint32(0), raw: hex(E_UINT32_CDAB) },
  f_float32: { value: wire(F_FLOAT32).getFloat32(0), raw: hex(F_FLOAT32) },
  alarm: { value: (FLAGS[0]! >> 3) & 1 },
  ready: { value: FLAGS[0]! & 1 },
  name: { value: null, text: String.fromCharCode(...[...new Uint8Array(wire(NAME).buffer)]) },
  in_temp: { value: Math.round(wire(IN_TEMP).getInt16(0) * 0.01 * 100) / 100, raw: hex(IN_TEMP) },
  pump: { value: COILS[0]! },
  valve: { value: COILS[1]! },
};

async function startPeer(): Promise<PymodbusServer> {
  return startPymodbusServer({
    1: { hr: { 100: HOLDING }, ir: { 300: IN_TEMP }, co: { 10: COILS } },
    2: { hr: { 100: UNIT2_VALUE } },
  });
}

/** A profile of two unit ids, fn 01, 03 and 04, several types and byte orders. */
function addProfile(doc: Record<string, any>, extra: { tasks?: object[]; points?: object[] } = {}): void {
  doc.profiles['py-meter'] = {
    timing: { responseTimeout: '2s', retries: 0, interRequestDelay: '0ms' },
    slaves: [{ id: 1 }, { id: 2 }],
    tasks: [
      { name: 'holding', slave: 1, function: 3, address: 100, quantity: HOLDING.length, every: '300ms' },
      { name: 'inputs', slave: 1, function: 4, address: 300, quantity: 1, every: '300ms' },
      { name: 'coils', slave: 1, function: 1, address: 10, quantity: 8, every: '300ms' },
      { name: 'unit2', slave: 2, function: 3, address: 100, quantity: 1, every: '300ms' },
      ...(extra.tasks ?? []),
    ],
    points: [
      { name: 't_int16', address: 100, type: 'int16', scale: 0.1 },
      { name: 'e_uint32_cdab', address: 101, type: 'uint32', order: 'CDAB' },
      { name: 'f_float32', address: 103, type: 'float32' },
      { name: 'alarm', address: 105, type: 'bool', bit: 3 },
      { name: 'ready', address: 105, type: 'bool', bit: 0 },
      { name: 'name', address: 107, type: 'string', size: '8 bytes' },
      { name: 'in_temp', function: 4, address: 300, type: 'int16', scale: 0.01 },
      { name: 'pump', function: 1, address: 10, type: 'bool' },
      { name: 'valve', function: 1, address: 11, type: 'bool' },
      { name: 'unit2_value', slave: 2, address: 100, type: 'uint16' },
      ...(extra.points ?? []),
    ],
  };
}

function channel(port: number, extra: Record<string, unknown> = {}) {
  return {
    name: 'py',
    type: 'modbus-tcp',
    host: '127.0.0.1',
    port,
    device: DEVICE,
    profile: 'py-meter',
    backoff: { initial: '100ms', max: '800ms' },
    ...extra,
  };
}

async function rowsFor(points: readonly string[]): Promise<DataRowView[]> {
  return waitFor(
    () => {
      const rows = dataRows(h!, DEVICE);
      return points.every((p) => rows.some((r) => r.point === p)) ? rows : null;
    },
    15_000,
    `rows for ${points.join(', ')}`,
  );
}

/** poll.exception events as stored in the events table. */
function storedExceptions(harness: Harness): Record<string, unknown>[] {
  const db = new Database((harness.config.server.storage as { path: string }).path, {
    readonly: true,
    fileMustExist: true,
  });
  try {
    const rows = db
      .prepare(`SELECT registration_id, payload FROM events WHERE type = 'poll.exception' ORDER BY at`)
      .all() as { registration_id: string; payload: string }[];
    return rows.map((r) => ({ device: r.registration_id, ...(JSON.parse(r.payload) as Record<string, unknown>) }));
  } finally {
    db.close();
  }
}

describe('Modbus TCP channel against pymodbus', () => {
  it('stores int16 scaled, uint32 CDAB, float32, register bits, a string, fn 04 and fn 01 as computed from the registers', async () => {
    peer = await startPeer();
    h = await startApp({ server: (doc) => (doc.channels = [channel(peer!.port)]), points: (doc) => addProfile(doc) });
    const rows = await rowsFor(Object.keys(EXPECTED));
    for (const [point, want] of Object.entries(EXPECTED)) {
      const row = rows.find((r) => r.point === point)!;
      expect(row.value, `${point} (pymodbus ${peer.version})`).toBe(want.value);
      if (want.text !== undefined) expect(row.text, point).toBe(want.text);
      if (want.raw !== undefined) expect(row.raw, point).toBe(want.raw);
      expect(row.slave, point).toBe(1);
      expect(row.quality, point).toBe('good');
    }
    expect(EXPECTED['e_uint32_cdab']!.value).toBe(0x12345678);
    expect(EXPECTED['name']!.text).toBe('PY-METER');
    expect(h.app.channels.get('py').status()).toMatchObject({ state: 'connected', devices: [DEVICE] });
  });

  it('routes reads by unit id, with several requests in flight', async () => {
    peer = await startPeer();
    h = await startApp({
      server: (doc) => (doc.channels = [channel(peer!.port, { maxInFlight: 4 })]),
      points: (doc) => addProfile(doc),
    });
    const rows = await rowsFor(['t_int16', 'unit2_value']);
    // Register 100 of unit 1 and of unit 2 differ, and each lands under its own slave.
    expect(rows.find((r) => r.point === 'unit2_value')).toMatchObject({
      slave: 2,
      address: 100,
      value: UNIT2_VALUE[0],
      raw: hex(UNIT2_VALUE),
    });
    expect(rows.find((r) => r.point === 't_int16')).toMatchObject({
      slave: 1,
      address: 100,
      value: EXPECTED['t_int16']!.value,
    });
    // Many polls later, still nothing lost or mismatched on the pipelined connection.
    await waitFor(
      () => dataRows(h!, DEVICE).filter((r) => r.point === 'unit2_value').length >= 5,
      15_000,
      'five polls of unit 2',
    );
    const status = h.app.channels.get('py').status();
    expect(status).toMatchObject({ state: 'connected', counters: { disconnects: 0, collectErrors: 0 } });
  });

  it('records the exception pymodbus answers for registers it does not have, and stores no value for them', async () => {
    peer = await startPeer();
    h = await startApp({
      server: (doc) => (doc.channels = [channel(peer!.port)]),
      points: (doc) =>
        addProfile(doc, {
          tasks: [{ name: 'absent', slave: 1, function: 3, address: 500, quantity: 2, every: '300ms' }],
          points: [{ name: 'absent_value', address: 500, type: 'uint32' }],
        }),
    });
    const events = await waitFor(
      () => {
        const e = storedExceptions(h!);
        return e.length > 0 ? e : null;
      },
      15_000,
      'a stored poll.exception event',
    );
    // 02 ILLEGAL DATA ADDRESS: the address is not in pymodbus's datastore.
    expect(events[0]).toMatchObject({ device: DEVICE, slave: 1, fn: 3, address: 500, code: 2 });
    await rowsFor(['t_int16', 'unit2_value']);
    expect(dataRows(h, DEVICE).some((r) => r.point === 'absent_value')).toBe(false);
    // An exception is an answer: the connection stays up and the other reads go on.
    expect(h.app.channels.get('py').status()).toMatchObject({ state: 'connected', counters: { disconnects: 0 } });
  });
});
