// The event framework on MariaDB: events stored in its `events` table, and a webhook still
// pending when dtuhub stops is delivered after the restart from `webhook_deliveries`.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gatewayTests, removeDir, waitFor, type Harness } from '../../helpers/app-harness.js';
import { createTempDatabase, mysqlStorage, type TempDatabase } from '../../helpers/mysql.js';
import { startReceiver, type WebhookReceiver } from '../../helpers/webhook-receiver.js';
import { endpoint } from './rules-fixture.js';

const { boot, dtu } = gatewayTests();
let db: TempDatabase | null = null;
let receiver: WebhookReceiver | null = null;
let restarted: Harness | null = null;
const spillDir = mkdtempSync(join(tmpdir(), 'dtuhub-mysql-webhooks-'));
afterAll(async () => {
  await restarted?.stop();
  await receiver?.close();
  await db?.drop();
  removeDir(spillDir);
});

describe('webhooks on MySQL', () => {
  it('store events in MariaDB and deliver after a restart what was pending', { timeout: 60_000 }, async () => {
    db = await createTempDatabase();
    receiver = await startReceiver(() => 503);
    const rules = {
      version: 1,
      webhooks: {
        ops: endpoint(receiver.url, { retry: { maxAttempts: 100, initialDelay: '200ms', maxDelay: '200ms' } }),
      },
      rules: [{ name: 'online', on: 'device.online', actions: [{ webhook: 'ops' }] }],
    };
    const h = await boot({ server: (s) => (s.storage = mysqlStorage(db!.name, spillDir)), rules });
    await dtu(h, 'dtu', { id: 'MY-1' }).start();
    await waitFor(() => receiver!.requests.length >= 1, 10_000, 'a refused attempt');
    await waitFor(
      async () => (await db!.rows('SELECT id FROM webhook_deliveries')).length === 1,
      10_000,
      'the delivery row',
    );
    await h.stop();
    const eventId = receiver.requests[0]!.json.id as string;

    const events = await db.rows<{ id: string; type: string; registration_id: string }>(
      'SELECT id, type, registration_id FROM events ORDER BY id',
    );
    expect(events.filter((e) => e.type === 'device.online')).toEqual([
      { id: eventId, type: 'device.online', registration_id: 'MY-1' },
    ]);
    expect(await db.rows('SELECT status, event_id FROM webhook_deliveries')).toEqual([
      { status: 'pending', event_id: eventId },
    ]);

    receiver.setBehaviour(() => 200);
    restarted = await h.restart();
    await waitFor(() => receiver!.ok().length === 1, 10_000, 'the delivery after the restart');
    expect(receiver.ok()[0]!.json.id).toBe(eventId);
    await waitFor(
      async () =>
        (await db!.rows<{ status: string }>('SELECT status FROM webhook_deliveries'))[0]?.status === 'delivered',
    );
  });
});
