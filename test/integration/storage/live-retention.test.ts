// server.yml `retention:` reloaded while dtuhub runs (issue 18): the new raw packet age and
// sweep interval reach the history store through DtuhubApp.apply(), no restart asked for,
// and the store's own timer sweeps with them.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { disposeApp, startApp, waitFor, type Harness } from '../../helpers/app-harness.js';

const DAY = 86_400_000;
let h: Harness | null = null;

afterEach(async () => {
  h = await disposeApp(h);
});

describe('retention applied live', () => {
  it('sweeps by itself with a raw packet age and sweep interval from a reloaded server.yml', async () => {
    h = await startApp({
      server: (s) => {
        s.retention = { ...s.retention, rawPackets: '30d', sweepInterval: '1h' };
      },
    });
    const { app, dir } = h;
    const now = Date.now();
    for (const [i, age] of [10 * DAY, 5 * DAY, 0].entries()) {
      app.writer.rawPacket({
        registrationId: 'A',
        direction: 'in',
        kind: 'garbage',
        bytes: Uint8Array.of(i),
        at: now - age,
        ip: '127.0.0.1',
        port: 1,
        note: null,
      });
    }
    await app.writer.flush();
    expect((await app.reader.counts()).rawPackets).toBe(3);

    const file = join(dir, 'server.yml');
    const server = JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;
    server.retention = { ...server.retention, rawPackets: '1d', sweepInterval: '100ms' };
    writeFileSync(file, JSON.stringify(server, null, 2));
    const outcome = await app.configReload.reload('api', 'tester');
    expect(outcome).toMatchObject({
      ok: true,
      needsRestart: [],
      changes: [
        { scope: 'server', name: 'retention.rawPacketsMs', action: 'changed' },
        { scope: 'server', name: 'retention.sweepIntervalMs', action: 'changed' },
      ],
    });
    expect(app.config.server.retention).toMatchObject({ rawPacketsMs: DAY, sweepIntervalMs: 100 });
    // The hourly timer would not have run yet: the re-armed one did, with the new age.
    await waitFor(async () => (await app.reader.counts()).rawPackets === 1, 5000, 'the old packets swept');
  });
});
