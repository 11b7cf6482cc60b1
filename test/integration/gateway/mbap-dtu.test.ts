// A DTU set to "Modbus TCP" mode (framing: mbap) on real sockets: it registers, beats, and
// is polled with MBAP ADUs on the connection it opened; answers are matched by transaction
// id, so a late answer is dropped and never stored.
import { describe, expect, it } from 'vitest';
import { gatewayTests, waitFor, type HarnessOptions } from '../../helpers/app-harness.js';
import { dataRows } from '../../helpers/db.js';
import { twoSlaves } from '../../helpers/two-slaves.js';

const { boot, dtu } = gatewayTests();

const mbapLink: HarnessOptions = {
  points: (p) => {
    twoSlaves.points!(p);
    p.links.transparent.framing = 'mbap';
  },
  server: (s) => {
    s.retention.recordRawPackets = 'all';
  },
};

describe('a DTU in Modbus TCP mode (framing: mbap)', () => {
  it('is polled with MBAP ADUs, its heartbeats stripped, its values stored', async () => {
    const h = await boot(mbapLink);
    const sim = dtu(h, 'dtu', { id: 'DTU-MBAP', heartbeatIntervalMs: 50 }, 'two-slaves');
    sim.setRegisters(1, 3, 0, [0x0001, 0x86a0]); // energy 100000
    sim.setRegisters(2, 3, 0, [0xff9c]); // level -10.0
    await sim.start();
    const rows = await waitFor(
      () => {
        const r = dataRows(h, 'DTU-MBAP');
        return r.some((x) => x.point === 'energy') && r.some((x) => x.point === 'level') ? r : null;
      },
      5000,
      'both slaves',
    );
    expect(rows.find((r) => r.point === 'energy')).toMatchObject({ slave: 1, value: 100000, raw: '000186a0' });
    expect(rows.find((r) => r.point === 'level')).toMatchObject({ slave: 2, value: -10 });
    await waitFor(() => sim.counters.heartbeats >= 3, 3000, 'heartbeats');

    // On the wire: requests are ADUs (protocol 0, length 6, unit, fc 3), answers too.
    const requests = await waitFor(
      async () => {
        const r = await h.app.reader.rawPackets({ registrationId: 'DTU-MBAP', kind: 'request', limit: 10 });
        return r.length >= 2 ? r : null;
      },
      3000,
      'requests recorded',
    );
    for (const r of requests) expect(r.hex).toMatch(/^[0-9a-f]{4}00000006(01|02)03[0-9a-f]{8}$/);
    const responses = await h.app.reader.rawPackets({ registrationId: 'DTU-MBAP', kind: 'response', limit: 10 });
    expect(responses.length).toBeGreaterThan(0);
    for (const r of responses) expect(r.hex).toMatch(/^[0-9a-f]{4}0000[0-9a-f]{4}(01|02)03/);
    const counters = h.app.gateway.counters;
    expect(counters.badCrc).toBe(0);
    expect(sim.counters.garbageBytes).toBe(0);
  });

  it('drops late answers by their transaction id and stores only current ones', async () => {
    const h = await boot(mbapLink);
    const sim = dtu(h, 'dtu', { id: 'DTU-LATE' }, 'two-slaves');
    sim.setRegisters(1, 3, 0, [0x0001, 0x86a0]);
    sim.setRegisters(2, 3, 0, [0xff9c]);
    await sim.start();
    await waitFor(() => dataRows(h, 'DTU-LATE').some((r) => r.point === 'energy'), 5000, 'first rows');
    // Answers now come after the 150 ms timeout: each one is late for its own transaction.
    sim.setFaults({ lateResponseMs: 200 });
    const stray = await waitFor(
      async () => {
        const r = await h.app.reader.rawPackets({ registrationId: 'DTU-LATE', kind: 'stray', limit: 5 });
        return r.length >= 2 ? r : null;
      },
      5000,
      'late answers dropped',
    );
    for (const r of stray) expect(r.hex).toMatch(/^[0-9a-f]{4}0000/);
    const before = dataRows(h, 'DTU-LATE').length;
    sim.setRegisters(1, 3, 0, [0x0000, 0x0007]);
    await new Promise((r) => setTimeout(r, 600));
    // No late answer became a value: neither the new reading nor any other row was stored.
    expect(dataRows(h, 'DTU-LATE').some((r) => r.point === 'energy' && r.value === 7)).toBe(false);
    expect(dataRows(h, 'DTU-LATE').length).toBe(before);
    sim.setFaults({ lateResponseMs: 0 });
    await waitFor(
      () => dataRows(h, 'DTU-LATE').some((r) => r.point === 'energy' && r.value === 7),
      5000,
      'current answers stored again',
    );
  });
});
