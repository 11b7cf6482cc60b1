// DTUs that speak UDP (listener protocol: udp) on real sockets: registration, heartbeats and
// answers as datagrams; the device is keyed by its ID, so a new source port mid-session
// (NAT rebinding) moves the session instead of starting another; junk never becomes a device.
import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { gatewayTests, waitFor, type Harness, type HarnessOptions } from '../../helpers/app-harness.js';
import { connectionRows, dataRows } from '../../helpers/db.js';
import { twoSlaves } from '../../helpers/two-slaves.js';
import { UdpDtu } from '../../helpers/udp-dtu.js';

const { boot } = gatewayTests();

const udpListener: HarnessOptions = {
  points: (p) => twoSlaves.points!(p),
  server: (s) => {
    s.listeners.push({ name: 'udp', protocol: 'udp', host: '127.0.0.1', port: 0, link: 'transparent' });
  },
};

const dtus: UdpDtu[] = [];
function udpDtu(h: Harness, id: string, host?: string): UdpDtu {
  const dtu = new UdpDtu(id, h.port('udp'), host);
  dtu.registers.set('1:0', 0x0001);
  dtu.registers.set('1:1', 0x86a0); // energy 100000
  dtu.registers.set('2:0', 0xff9c); // level -10.0
  dtus.push(dtu);
  return dtu;
}

async function closeAll(): Promise<void> {
  await Promise.all(dtus.splice(0).map((d) => d.close()));
}

describe('UDP DTUs (listener protocol: udp)', () => {
  it('registers, beats and is polled over datagrams; a new source port keeps the session', async () => {
    const h = await boot(udpListener);
    try {
      const dtu = udpDtu(h, 'UDP-01');
      const firstPort = await dtu.open();
      await waitFor(() => dataRows(h, 'UDP-01').some((r) => r.point === 'level'), 5000, 'first values');
      const session = h.app.gateway.registry.get('UDP-01')!;
      expect(session.remote).toMatchObject({ listener: 'udp', ip: '127.0.0.1', port: firstPort });
      await dtu.heartbeat();
      await waitFor(() => h.app.gateway.counters.heartbeats > 0, 2000, 'a heartbeat');

      // NAT rebinding: the DTU now comes from another port and registers again from there.
      const requestsBefore = dtu.requests;
      const newPort = await dtu.rebind();
      expect(newPort).not.toBe(firstPort);
      dtu.registers.set('1:1', 0x86a1); // energy 100001
      await waitFor(
        () => dataRows(h, 'UDP-01').some((r) => r.point === 'energy' && r.value === 100001),
        5000,
        'values polled at the new port',
      );
      expect(dtu.requests).toBeGreaterThan(requestsBefore);
      // The same session, moved: no offline, no second connection.
      expect(h.app.gateway.registry.get('UDP-01')).toBe(session);
      expect(session.remote.port).toBe(newPort);
      expect(h.app.gateway.counters.udpAddressChanges).toBe(1);
      expect(h.app.gateway.listeners().find((l) => l.name === 'udp')).toMatchObject({ protocol: 'udp', online: 1 });
      const events = connectionRows(h, 'UDP-01').map((r) => r.event);
      expect(events).not.toContain('disconnect');
      expect(events.filter((e) => e === 'connect')).toHaveLength(1);

      // Stopping the listener ends its sessions as a shutdown: offline rules stay quiet.
      const offline: string[] = [];
      h.app.bus.on('device.offline', (e) => offline.push(e.reason));
      await h.app.gateway.stopListener('udp');
      expect(offline).toEqual(['shutdown']);
    } finally {
      await closeAll();
    }
  });

  it('junk datagrams never become a device, and a failing address is throttled', async () => {
    const h = await boot(udpListener);
    const junk = createSocket('udp4');
    try {
      await new Promise<void>((resolve) => junk.bind(0, '127.0.0.1', resolve));
      const send = (bytes: Buffer) =>
        new Promise<void>((resolve) => junk.send(bytes, h.port('udp'), '127.0.0.1', () => resolve()));
      for (let i = 0; i < 50; i++) await send(Buffer.from([0x16, 0x03, 0x01, i, 0xff, 0x00, 0x80]));
      await waitFor(() => h.app.gateway.counters.registrationFailures > 0, 3000, 'a failed registration');
      expect(h.app.gateway.sessions()).toEqual([]);
      expect(h.app.gateway.registry.connections).toBe(0);
      expect(h.app.gateway.counters.connectionsThrottled).toBeGreaterThan(0);
      // An empty datagram (or one that only begins an ID) fails at once: it holds no slot
      // until the registration timeout.
      const empty = createSocket('udp4');
      await new Promise<void>((resolve) => empty.bind(0, '127.0.0.3', resolve));
      const failures = h.app.gateway.counters.registrationFailures;
      await new Promise<void>((resolve) => empty.send(Buffer.alloc(0), h.port('udp'), '127.0.0.1', () => resolve()));
      await waitFor(() => h.app.gateway.counters.registrationFailures > failures, 2000, 'the empty datagram refused');
      expect(h.app.gateway.registry.connections).toBe(0);
      empty.close();
      // A real DTU on another address, same listener, is unaffected.
      const dtu = udpDtu(h, 'UDP-02', '127.0.0.2');
      await dtu.open();
      await waitFor(() => dataRows(h, 'UDP-02').some((r) => r.point === 'energy'), 5000, 'values of a real DTU');
    } finally {
      junk.close();
      await closeAll();
    }
  });
});
