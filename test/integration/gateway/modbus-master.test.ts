// The Modbus master behaviour on real sockets: several slaves behind one DTU, a dead
// slave backed off without starving the others, exception responses, and writes through
// the device's queue.
import { describe, expect, it } from 'vitest';
import type { GatewayEvents } from '../../../src/domain/events.js';
import type { SimulatedDtuOptions } from '../../../src/simulator/index.js';
import { gatewayTests, waitFor, type Harness } from '../../helpers/app-harness.js';
import { dataRows } from '../../helpers/db.js';
import { twoSlaves } from '../../helpers/two-slaves.js';

const { boot, dtu } = gatewayTests();

function simulated(h: Harness, id: string, extra: Partial<SimulatedDtuOptions> = {}) {
  return dtu(h, 'dtu', { id, ...extra }, 'two-slaves');
}

function collect<K extends keyof GatewayEvents>(h: Harness, type: K): GatewayEvents[K][] {
  const out: GatewayEvents[K][] = [];
  h.app.bus.on(type, (e) => out.push(e));
  return out;
}

describe('Modbus master', () => {
  it('polls several slaves behind one DTU and stores each one under its own slave id', async () => {
    const h = await boot(twoSlaves);
    const sim = simulated(h, 'DTU-2S');
    sim.setRegisters(1, 3, 0, [0x0001, 0x86a0]); // energy 100000
    sim.setRegisters(2, 3, 0, [0xff9c]); // level -10.0
    await sim.start();
    const rows = await waitFor(
      () => {
        const r = dataRows(h, 'DTU-2S');
        return r.some((x) => x.point === 'energy') && r.some((x) => x.point === 'level') ? r : null;
      },
      5000,
      'both slaves',
    );
    expect(rows.find((r) => r.point === 'energy')).toMatchObject({ slave: 1, value: 100000 });
    expect(rows.find((r) => r.point === 'level')).toMatchObject({ slave: 2, value: -10 });
  });

  it('backs off a dead slave (doubling, capped) while the live one keeps being polled, and recovers', async () => {
    const h = await boot(twoSlaves);
    const backoffs = collect(h, 'slave.backoff');
    const recovered = collect(h, 'slave.recovered');
    const sim = simulated(h, 'DTU-DEAD', { silentSlaves: [2] });
    await sim.start();
    await waitFor(() => backoffs.length >= 3, 8000, 'three backoffs');
    const delays = backoffs.slice(0, 3).map((b) => b.untilMs - b.at);
    expect(delays).toEqual([400, 800, 800]);
    expect(backoffs.every((b) => b.slave === 2 && b.deviceId === 'DTU-DEAD')).toBe(true);
    const status = h.app.gateway.registry.get('DTU-DEAD')!.devicePoller!.slaves();
    expect(status.find((s) => s.slave === 2)).toMatchObject({ backedOff: true });
    expect(status.find((s) => s.slave === 1)).toMatchObject({ backedOff: false, consecutiveFailures: 0 });
    // The live slave was polled all along.
    const meterRows = dataRows(h, 'DTU-DEAD').filter((r) => r.point === 'energy').length;
    expect(meterRows).toBeGreaterThan(10);
    // Bring slave 2 back: the next probe succeeds and it is polled normally again.
    sim.setFaults({ silentSlaves: [] });
    await waitFor(() => recovered.length > 0, 5000, 'recovery');
    expect(recovered[0]).toMatchObject({ deviceId: 'DTU-DEAD', slave: 2 });
    await waitFor(() => dataRows(h, 'DTU-DEAD').some((r) => r.point === 'level'), 3000, 'level rows after recovery');
  });

  it('records an exception response with its code and stores no value for it', async () => {
    const h = await boot(twoSlaves);
    const exceptions = collect(h, 'poll.exception');
    const sim = simulated(h, 'DTU-EXC', { exceptionCodes: { 2: 2 } });
    await sim.start();
    await waitFor(() => exceptions.length > 0, 5000, 'an exception');
    expect(exceptions[0]).toMatchObject({ deviceId: 'DTU-EXC', slave: 2, fn: 3, code: 2 });
    await waitFor(() => dataRows(h, 'DTU-EXC').some((r) => r.point === 'energy'), 5000, 'slave 1 data');
    expect(dataRows(h, 'DTU-EXC').some((r) => r.point === 'level')).toBe(false);
    const packets = await h.app.reader.rawPackets({ registrationId: 'DTU-EXC', kind: 'exception' });
    expect(packets.length).toBeGreaterThan(0);
    expect(packets[0]!.hex.slice(0, 6)).toBe('028302'); // slave 2, fc 0x83, code 02
    expect(packets[0]!.note).toContain('exception 2');
  });

  it('writes registers and coils through the device queue (fc 05, 06, 15, 16) and reads them back', async () => {
    const h = await boot(twoSlaves);
    const sim = simulated(h, 'DTU-W');
    await sim.start();
    await waitFor(() => h.app.gateway.registry.get('DTU-W')?.state === 'active', 5000, 'registration');
    const gw = h.app.gateway;
    expect((await gw.write('DTU-W', { fn: 6, slave: 1, address: 10, value: 4660 })).kind).toBe('ok');
    expect((await gw.write('DTU-W', { fn: 16, slave: 1, address: 20, values: [1, 2, 3] })).kind).toBe('ok');
    expect((await gw.write('DTU-W', { fn: 5, slave: 1, address: 7, value: true })).kind).toBe('ok');
    expect((await gw.write('DTU-W', { fn: 15, slave: 1, address: 0, values: [true, false, true] })).kind).toBe('ok');
    expect(sim.registers(1, 3, 10, 1)).toEqual([4660]);
    expect(sim.registers(1, 3, 20, 3)).toEqual([1, 2, 3]);
    const coils = await gw.read('DTU-W', 1, 1, 0, 8);
    expect(coils.kind).toBe('ok');
    if (coils.kind === 'ok') expect(coils.buf[coils.dataOffset]).toBe(0b10000101);
    const regs = await gw.read('DTU-W', 1, 3, 20, 3);
    if (regs.kind !== 'ok') throw new Error(regs.kind);
    expect(Buffer.from(regs.buf.subarray(regs.dataOffset, regs.dataOffset + regs.dataLength)).toString('hex')).toBe(
      '000100020003',
    );
  });

  it('refuses a write to a device that is not online', async () => {
    const h = await boot(twoSlaves);
    expect(() => h.app.gateway.write('NOBODY', { fn: 6, slave: 1, address: 0, value: 1 })).toThrow(/not online/);
  });

  it('refuses connections beyond maxConnections and counts them', async () => {
    const h = await boot({ ...twoSlaves, server: (s) => (s.sessions.maxConnections = 2) });
    const a = simulated(h, 'DTU-A');
    const b = simulated(h, 'DTU-B');
    await a.start();
    await b.start();
    await waitFor(() => h.app.gateway.registry.online === 2, 5000, 'two online');
    const c = simulated(h, 'DTU-C');
    await c.start().catch(() => undefined);
    await waitFor(() => h.app.gateway.counters.connectionsRefused > 0, 5000, 'refusal');
    expect(h.app.gateway.registry.get('DTU-C')).toBeUndefined();
  });
});
