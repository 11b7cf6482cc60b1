// Write-back over MQTT through the real app: a request on the broker reaches a simulated
// DTU's slave through the device's queue (the writes service the API uses), the register
// changes, the result and the value read back come on the response topic, and the audit
// log has it; a point not on the allow-list is refused with the reason, and audited too. A
// sink that stops answers and audits the writes under way before its close() resolves (the
// audit log closes right after it), and answers requests that come meanwhile `busy`.
import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { createServices } from '../../../src/services/index.js';
import { WRITE_RESPONSE } from '../../../src/sinks/mqtt/message-schema.js';
import type { PointWriteResult, WriteBackPort } from '../../../src/sinks/mqtt/write-back.js';
import { accountStoreFor, type AccountStore, type AuditRecord } from '../../../src/storage/index.js';
import { Value } from '@sinclair/typebox/value';
import { gatewayTests, waitFor } from '../../helpers/app-harness.js';
import { startPrivateBroker, type PrivateBroker } from '../../helpers/mosquitto.js';
import {
  boilerProfile,
  disposeSink,
  sinkConfig,
  spooledSink,
  subscriber,
  type SpooledSink,
  expectSetpointWrittenRpmRefused,
} from './mqtt-north-helpers.js';

const { boot, dtu } = gatewayTests();
const PROFILE = 'mqtt-wb';

let broker: PrivateBroker | null = null;
let north: SpooledSink | null = null;
let accounts: AccountStore | null = null;
const clients: MqttClient[] = [];

afterEach(async () => {
  north = await disposeSink(north);
  await Promise.all(clients.splice(0).map((c) => c.endAsync()));
  await accounts?.close();
  accounts = null;
  await broker?.dispose();
  broker = null;
});

/** The sink `north` with write-back on for `allow`, a subscriber to its answers and a requester. */
async function startWriteBackSink(
  port: WriteBackPort,
  allow: { devices: string[]; points: string[]; registers: boolean },
): Promise<{ responses: Awaited<ReturnType<typeof subscriber>>; requester: MqttClient }> {
  const url = broker!.url;
  const writeBack = {
    enabled: true,
    requestTopic: '{prefix}/write/request/{device}',
    responseTopic: '{prefix}/write/response/{device}',
    allow: [allow],
    maxPending: 4,
  };
  const responses = await subscriber(url, 'north/write/response/+');
  clients.push(responses.client);
  north = await spooledSink(sinkConfig(url, { writeBack }), () => null, port);
  await waitFor(() => north!.sink.status().connected, 10_000, 'sink connected');
  const requester = (await subscriber(url, 'unused/none')).client;
  clients.push(requester);
  return { responses, requester };
}

describe('MQTT write-back', () => {
  it('writes an allowed point through the device queue, answers with the read-back, and refuses the rest', async () => {
    broker = await startPrivateBroker();
    const h = await boot({
      points: boilerProfile(PROFILE),
    });
    const sim = dtu(h, 'dtu', { id: 'BOILER-1' }, PROFILE);
    await sim.start();
    await waitFor(() => h.app.gateway.registry.get('BOILER-1')?.state === 'active', 5000, 'registration');

    // The port the composition root hands the sink: the API's writes service and audit log.
    const writes = createServices(h.app).writes;
    accounts = accountStoreFor(h.config.server.storage);
    await accounts.open();
    const store = accounts;
    const port: WriteBackPort = {
      writePoint: (device, request) => writes.writePoint(device, request),
      write: (device, command) => writes.write(device, command),
      audit: (record) => store.audit(record),
    };
    const { responses, requester } = await startWriteBackSink(port, {
      devices: ['BOILER-*'],
      points: ['*_setpoint'],
      registers: false,
    });
    const answer = async (id: string, body: Record<string, unknown>, device = 'BOILER-1') => {
      // The sink subscribes right after it connects: ask until an answer comes.
      await requester.publishAsync(`north/write/request/${device}`, JSON.stringify({ id, ...body }), { qos: 1 });
      const found = await waitFor(
        () => responses.messages.find((m) => (JSON.parse(m.payload) as { id: unknown }).id === id),
        10_000,
        `response ${id}`,
      );
      const parsed = JSON.parse(found.payload) as Record<string, unknown>;
      expect(Value.Check(WRITE_RESPONSE, parsed)).toBe(true);
      expect(found.topic).toBe(`north/write/response/${device}`);
      return parsed;
    };
    await waitFor(
      async () => {
        await requester.publishAsync('north/write/request/BOILER-1', JSON.stringify({ id: 'ping', point: 'nope' }), {
          qos: 1,
        });
        return responses.messages.some((m) => m.payload.includes('"ping"'));
      },
      10_000,
      'write-back subscribed',
    );

    await expectSetpointWrittenRpmRefused(answer, () => sim.registers(1, 3, 10, 1));
    const raw = await answer('w3', { id: 'w3', slave: 1, fn: 6, address: 11, value: 7 });
    expect(raw).toMatchObject({ ok: false, result: 'refused', error: expect.stringMatching(/register writes/) });
    const other = await answer('w4', { id: 'w4', point: 'temperature_setpoint', value: 1 }, 'PUMP-1');
    expect(other).toMatchObject({
      ok: false,
      result: 'refused',
      error: 'device PUMP-1 is not on the write-back allow-list',
    });

    const audit = await store.auditLog({ actor: 'mqtt:north', order: 'asc' });
    const rows = audit.filter((r) => r.device !== null).map((r) => [r.device, r.result, r.fn, r.address, r.details]);
    expect(rows).toContainEqual(['BOILER-1', 'ok', 6, 10, 'temperature_setpoint = 55.5; read back 55.5']);
    expect(rows).toContainEqual([
      'BOILER-1',
      'refused',
      null,
      null,
      'point rpm of device BOILER-1 is not on the write-back allow-list',
    ]);
    // Nothing was sent for a refused request: the only write that reached the slave is the allowed one.
    expect(rows.filter((r) => r[1] === 'ok')).toHaveLength(1);
    expect(rows).toContainEqual(['PUMP-1', 'refused', null, null, 'device PUMP-1 is not on the write-back allow-list']);
  }, 60_000);

  it('answers and audits a write still running when the sink stops before close() resolves', async () => {
    broker = await startPrivateBroker();
    let finishWrite: ((result: PointWriteResult) => void) | null = null;
    let closed = false;
    const audits: { record: AuditRecord; afterClose: boolean }[] = [];
    const port: WriteBackPort = {
      writePoint: () =>
        new Promise<PointWriteResult>((resolve) => {
          finishWrite = resolve;
        }),
      write: () => Promise.reject(new Error('no register writes here')),
      audit: async (record) => {
        audits.push({ record, afterClose: closed });
      },
    };
    const { responses, requester } = await startWriteBackSink(port, {
      devices: ['SLOW-*'],
      points: ['*'],
      registers: false,
    });
    const ask = (body: unknown) =>
      requester.publishAsync('north/write/request/SLOW-1', JSON.stringify(body), { qos: 1 });
    const answered = (pred: (r: Record<string, unknown>) => boolean) =>
      responses.messages.map((m) => JSON.parse(m.payload) as Record<string, unknown>).find(pred);
    // A refused request answers once the sink has subscribed.
    await waitFor(
      async () => {
        await ask({ id: 'ping', slave: 1, fn: 6, address: 1, value: 1 });
        return answered((r) => r['id'] === 'ping') !== undefined;
      },
      10_000,
      'write-back subscribed',
    );

    await ask({ id: 'slow', point: 'setpoint', value: 5 });
    await waitFor(() => finishWrite !== null, 10_000, 'the write reached the writes service');
    const closing = north!.sink.close().then(() => {
      closed = true;
    });
    await ask({ id: 'late', point: 'setpoint', value: 6 });
    const busy = await waitFor(() => answered((r) => r['result'] === 'busy'), 10_000, 'busy answer');
    expect(busy).toMatchObject({ device: 'SLOW-1', ok: false, error: 'the sink is stopping' });
    expect(closed).toBe(false);

    finishWrite!({
      kind: 'written',
      command: { fn: 6, slave: 1, address: 10, value: 50 },
      stored: 5,
      readBack: { value: 5 },
    });
    await closing;
    const slow = await waitFor(() => answered((r) => r['id'] === 'slow'), 10_000, 'answer to the slow write');
    expect(slow).toMatchObject({ ok: true, result: 'ok', point: 'setpoint', value: 5, readBack: 5 });
    const written = audits.filter((a) => a.record.result === 'ok');
    expect(written.map((a) => [a.record.device, a.record.details, a.afterClose])).toEqual([
      ['SLOW-1', 'setpoint = 5; read back 5', false],
    ]);
    // The late request never reached the writes service.
    expect(audits.some((a) => a.record.details?.includes('= 6'))).toBe(false);
  }, 60_000);
});
