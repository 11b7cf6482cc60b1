// The shipped example config, end to end on real sockets: simulated DTUs register, get
// polled, and their decoded values land in SQLite.
import { describe, expect, it } from 'vitest';
import { gatewayTests, waitFor } from '../../helpers/app-harness.js';
import { dataRows, deviceRow, heartbeatCount } from '../../helpers/db.js';
import { pinUserValues, USER_EXPECTED as EXPECTED } from '../../helpers/user-example.js';

const { boot, dtu } = gatewayTests();

describe('the example config on real sockets', () => {
  it('stores the user example points of a transparent ASCII DTU, decoded through scale and byte order', async () => {
    const h = await boot();
    const sim = dtu(h, 'dtu', { id: 'DTU01001' });
    pinUserValues(sim);
    await sim.start();
    sim.sendHeartbeat(); // the 2300 block is polled on heartbeat
    // pollOnConnect reads the interval tasks at once; the heartbeat task follows the heartbeat.
    const rows = await waitFor(
      () => {
        const r = dataRows(h, 'DTU01001');
        return new Set(r.map((x) => x.point)).size === 9 ? r : null;
      },
      10_000,
      'nine points in device_data',
    );
    for (const [point, expected] of Object.entries(EXPECTED)) {
      const row = rows.find((r) => r.point === point)!;
      expect(row, point).toBeDefined();
      expect(row.value, point).toBe(expected.value);
      expect(row.raw, point).toBe(expected.raw);
      expect(row.slave, point).toBe(1);
    }
    expect(rows.find((r) => r.point === 'humidity')!.address).toBe(2010);
    const device = deviceRow(h, 'DTU01001');
    expect(device).toMatchObject({ profile: 'th-station', status: 'online', last_ip: '127.0.0.1' });
  });

  it('speaks the user typed framing on 22335 with a 4-byte big-endian ID stored as 7001', async () => {
    const h = await boot();
    const sim = dtu(h, 'typed', { id: '7001' });
    pinUserValues(sim);
    await sim.start();
    const rows = await waitFor(
      () => dataRows(h, '7001').find((r) => r.point === 'temperature'),
      10_000,
      'typed DTU data',
    );
    expect(rows.value).toBe(25.3);
    expect(deviceRow(h, '7001')).toMatchObject({ status: 'online' });
  });

  it('fires the heartbeat task on each heartbeat', async () => {
    const h = await boot();
    const sim = dtu(h, 'dtu', { id: 'DTU-BEAT' });
    await sim.start();
    const before = sim.counters.requests;
    const rpmRequests = () => dataRows(h, 'DTU-BEAT').filter((r) => r.point === 'rpm').length;
    expect(rpmRequests()).toBe(0);
    for (let i = 1; i <= 3; i++) {
      sim.sendHeartbeat();
      await waitFor(() => rpmRequests() >= i, 5000, `rpm row ${i}`);
    }
    expect(sim.counters.requests).toBeGreaterThan(before);
    expect(rpmRequests()).toBe(3);
    expect(heartbeatCount(h, 'DTU-BEAT')).toBe(3);
  });
});
