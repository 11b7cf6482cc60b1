// DL/T 645 meters behind a DTU on real sockets: several meters and a Modbus slave on one
// bus, a dead meter backed off while the others keep being read, values stored as the
// simulated meters sent them, a meter's refusal, and a lone meter's address discovered.
import { describe, expect, it } from 'vitest';
import type { GatewayEvents } from '../../../src/domain/events.js';
import { gatewayTests, waitFor, type Harness } from '../../helpers/app-harness.js';
import { dataRows } from '../../helpers/db.js';
import { METER_A, METER_B, METER_DEAD, meters } from '../../helpers/meters.js';

const { boot, dtu } = gatewayTests();

function collect<K extends keyof GatewayEvents>(h: Harness, type: K): GatewayEvents[K][] {
  const out: GatewayEvents[K][] = [];
  h.app.bus.on(type, (e) => out.push(e));
  return out;
}

type Served = Map<string, (number | string)[]>;

function recordServed(): { served: Served; hook: (m: string, id: string, v: number | string) => void } {
  const served: Served = new Map();
  return {
    served,
    hook: (meter, identifier, value) => {
      const key = `${meter}/${identifier}`;
      served.set(key, [...(served.get(key) ?? []), value]);
    },
  };
}

describe('DL/T 645 meters behind a DTU', () => {
  it(
    'reads several meters and a Modbus slave on one bus and backs off the dead meter alone',
    { timeout: 60_000 },
    async () => {
      const h = await boot(meters);
      const backoffs = collect(h, 'slave.backoff');
      const { served, hook } = recordServed();
      const sim = dtu(
        h,
        'dtu',
        {
          id: 'DTU-645',
          meters: [{ address: METER_A }, { address: METER_B }, { address: METER_DEAD }],
          silentMeters: [METER_DEAD],
          slaves: [5],
          onMeterServed: hook,
        },
        'meters',
      );
      sim.setRegisters(5, 3, 0, [123]);
      await sim.start();
      await waitFor(() => backoffs.length >= 2, 8000, 'the dead meter backed off twice');
      expect(backoffs.every((b) => b.slave === 3 && b.deviceId === 'DTU-645')).toBe(true);
      const state = h.app.gateway.registry.get('DTU-645')!.devicePoller!.slaves();
      expect(state.find((s) => s.slave === 3)).toMatchObject({ backedOff: true, meterAddress: METER_DEAD });
      expect(state.find((s) => s.slave === 1)).toMatchObject({ backedOff: false, meterAddress: METER_A });

      const rows = await waitFor(
        () => {
          const r = dataRows(h, 'DTU-645');
          const names = new Set(r.map((x) => x.point));
          const all = [
            'a.voltage',
            'a.current',
            'a.energy',
            'a.pf',
            'a.date',
            'b.voltage',
            'b.energy',
            'b.power',
            'level',
          ];
          return all.every((n) => names.has(n)) && r.filter((x) => x.point === 'a.voltage').length > 3 ? r : null;
        },
        20_000,
        'rows of every live point',
      );
      expect(rows.some((r) => r.point === 'dead.voltage')).toBe(false);
      // Every stored value is one the simulated meter sent (rounded as its format carries it).
      const sentBy = (meter: string, identifier: string) => served.get(`${meter}/${identifier}`) ?? [];
      for (const row of rows.filter((r) => r.point === 'a.voltage')) {
        expect(sentBy(METER_A, 'voltage.a')).toContain(row.value);
        expect(row).toMatchObject({ slave: 1, address: 0x02010100 });
      }
      for (const row of rows.filter((r) => r.point === 'b.energy')) {
        const kwh = sentBy(METER_B, 'energy.active.forward') as number[];
        expect(kwh.map((v) => Number((v * 0.001).toFixed(5)))).toContain(row.value);
      }
      const date = rows.find((r) => r.point === 'a.date')!;
      expect(sentBy(METER_A, 'date')).toContain(date.text);
      expect(date.value).toBeNull();
      expect(rows.find((r) => r.point === 'a.pf')!.value).toBe(0.95);
      expect(rows.find((r) => r.point === 'level')).toMatchObject({ slave: 5, value: 12.3 });
    },
  );

  it("reports a meter's error answer with its reasons and stores nothing for it", async () => {
    const h = await boot(meters);
    const exceptions = collect(h, 'poll.exception');
    const sim = dtu(
      h,
      'dtu',
      {
        id: 'DTU-ERR',
        meters: [{ address: METER_A }, { address: METER_B }],
        meterErrors: { [METER_B]: 0x04 },
        slaves: [5],
      },
      'meters',
    );
    await sim.start();
    await waitFor(() => exceptions.length > 0, 5000, 'an error answer');
    expect(exceptions[0]).toMatchObject({
      deviceId: 'DTU-ERR',
      slave: 2,
      protocol: 'dlt645',
      code: 4,
      reasons: ['password error or unauthorised'],
    });
    await waitFor(() => dataRows(h, 'DTU-ERR').some((r) => r.point === 'a.voltage'), 5000, 'meter A rows');
    expect(dataRows(h, 'DTU-ERR').some((r) => r.point.startsWith('b.'))).toBe(false);
    // An answer, even a refusal, is no failure: the meter is not backed off.
    const state = h.app.gateway.registry.get('DTU-ERR')!.devicePoller!.slaves();
    expect(state.find((s) => s.slave === 2)).toMatchObject({ backedOff: false, consecutiveFailures: 0 });
  });

  it('discovers the address of a lone meter configured with discover, then reads it', async () => {
    const h = await boot(meters);
    const { served, hook } = recordServed();
    const sim = dtu(
      h,
      'dtu',
      { id: 'LONE-1', meters: [{ address: '123456789012' }], slaves: [], onMeterServed: hook },
      'lone-meter',
    );
    await sim.start();
    const rows = await waitFor(
      () => {
        const r = dataRows(h, 'LONE-1');
        return r.some((x) => x.point === 'voltage') && r.some((x) => x.point === 'frequency') ? r : null;
      },
      5000,
      'rows after discovery',
    );
    expect(served.get('123456789012/address')).toEqual(['123456789012']);
    const state = h.app.gateway.registry.get('LONE-1')!.devicePoller!.slaves();
    expect(state[0]).toMatchObject({ slave: 1, meterAddress: '123456789012' });
    for (const row of rows.filter((r) => r.point === 'voltage')) {
      expect(served.get('123456789012/voltage.b')).toContain(row.value);
    }
  });
});
