// The device registry at registration, on real sockets: a disabled device is refused (its
// history kept), a pre-registered ID gets in under `unknownIds: reject` while an unknown one
// does not, and a profile override picks the profile points.yml leaves to its default.
import { readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { EMPTY_REGISTRY_FIELDS } from '../../../src/domain/registry.js';
import { createLogger } from '../../../src/log.js';
import { gatewayTests, waitFor, type Harness } from '../../helpers/app-harness.js';
import { connectionRows } from '../../helpers/db.js';

const { boot, dtu } = gatewayTests();
const sockets: Socket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy();
});

/** A raw DTU that sends its ASCII ID and notes when the server closes the connection. */
async function register(port: number, id: string): Promise<{ closed: () => boolean }> {
  let closed = false;
  const s = connect({ host: '127.0.0.1', port });
  sockets.push(s);
  s.on('close', () => (closed = true));
  s.on('error', () => {});
  await new Promise<void>((resolve) => s.once('connect', resolve));
  s.write(id);
  return { closed: () => closed };
}

/** Warnings the app logs, as parsed pino lines. */
function warnings(): { log: ReturnType<typeof createLogger>; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger({ level: 'warn', pretty: false } as never, sink), lines };
}

const sessionIds = (h: Harness) => h.app.gateway.sessions().map((s) => s.deviceId);

describe('device registry at registration', () => {
  it('refuses a disabled device with a logged, counted reason and keeps its history', async () => {
    const { log, lines } = warnings();
    const h = await boot({ log });
    const sim = dtu(h, 'dtu', { id: 'DTU-OFF' });
    await sim.start();
    await waitFor(() => sessionIds(h).includes('DTU-OFF'), 10_000, 'DTU-OFF online');
    await sim.stop();
    await waitFor(() => !sessionIds(h).includes('DTU-OFF'), 10_000, 'DTU-OFF offline');
    await waitFor(() => connectionRows(h, 'DTU-OFF').length >= 2, 5000, 'its connect and disconnect rows');

    expect(await h.app.fleetRegistry.update('DTU-OFF', { enabled: false }, Date.now())).not.toBeNull();
    const refused = await register(h.port('dtu'), 'DTU-OFF');
    await waitFor(refused.closed, 5000, 'the disabled device closed');

    expect(sessionIds(h)).not.toContain('DTU-OFF');
    expect(h.app.gateway.counters.rejectedDisabled).toBe(1);
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'connection rejected',
        device: 'DTU-OFF',
        reason: 'device disabled in the registry',
      }),
    );
    const rows = await waitFor(
      () => (connectionRows(h, 'DTU-OFF').some((r) => r.event === 'rejected') ? connectionRows(h, 'DTU-OFF') : null),
      5000,
      'the rejected row',
    );
    expect(rows.map((r) => r.event)).toEqual(['connect', 'disconnect', 'rejected']);
    expect(rows.at(-1)!.details).toBe('device disabled in the registry');
    expect((await h.app.reader.device('DTU-OFF'))?.firstSeen).toBeGreaterThan(0);
  });

  it('accepts a pre-registered ID under unknownIds: reject and refuses an unknown one', async () => {
    const h = await boot({ points: (p) => (p.links.transparent.unknownIds = 'reject') });
    await h.app.fleetRegistry.create('DTU-PRE', { name: 'Pre-registered' }, Date.now());

    const unknown = await register(h.port('dtu'), 'DTU-UNKNOWN');
    await waitFor(unknown.closed, 5000, 'the unknown ID closed');
    expect(h.app.gateway.counters.rejectedUnknown).toBe(1);

    await dtu(h, 'dtu', { id: 'DTU-PRE' }).start();
    const session = await waitFor(
      () => h.app.gateway.sessions().find((s) => s.deviceId === 'DTU-PRE' && s.state === 'active'),
      10_000,
      'DTU-PRE online',
    );
    expect(session.name).toBe('Pre-registered');
    expect(sessionIds(h)).toEqual(['DTU-PRE']);
  });

  it('a profile override picks the profile unless points.yml names one', async () => {
    const h = await boot({
      points: (p) => {
        p.profiles['th-alt'] = structuredClone(p.profiles['th-station']);
        p.devices = [{ id: 'DTU-PINNED', profile: 'th-station', name: 'Pinned' }, { default: 'th-station' }];
      },
    });
    const at = Date.now();
    await h.app.fleetRegistry.replaceAll([
      { ...EMPTY_REGISTRY_FIELDS, registrationId: 'DTU-ALT', profileOverride: 'th-alt', updatedAt: at },
      {
        ...EMPTY_REGISTRY_FIELDS,
        registrationId: 'DTU-PINNED',
        profileOverride: 'th-alt',
        name: 'Mine',
        updatedAt: at,
      },
    ]);
    await dtu(h, 'dtu', { id: 'DTU-ALT' }).start();
    await dtu(h, 'dtu', { id: 'DTU-PINNED' }).start();
    await waitFor(
      () => h.app.gateway.sessions().filter((s) => s.state === 'active').length === 2,
      10_000,
      'both online',
    );
    const byId = new Map(h.app.gateway.sessions().map((s) => [s.deviceId, s]));
    expect(byId.get('DTU-ALT')).toMatchObject({ profile: 'th-alt' });
    expect(byId.get('DTU-PINNED')).toMatchObject({ profile: 'th-station', name: 'Pinned' });

    // A live reload of points.yml admits the online devices again the same way: the override
    // still holds for DTU-ALT, and the re-planned DTU-PINNED keeps points.yml's profile.
    const file = join(h.dir, 'points.yml');
    const points = JSON.parse(readFileSync(file, 'utf8'));
    points.profiles['th-station'].points[0].scale = 0.5;
    writeFileSync(file, JSON.stringify(points, null, 2));
    const outcome = await h.app.configReload.reload('api', 'tester');
    expect(outcome).toMatchObject({ ok: true });
    const after = new Map(h.app.gateway.sessions().map((s) => [s.deviceId, s]));
    expect(after.get('DTU-ALT')).toMatchObject({ profile: 'th-alt', state: 'active' });
    expect(after.get('DTU-PINNED')).toMatchObject({ profile: 'th-station', name: 'Pinned', state: 'active' });
  });
});
