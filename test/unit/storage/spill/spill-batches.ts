// Batches with every kind of row, for the spill journal tests.
import { WriteBatchBuilder, type WriteBatch } from '../../../../src/storage/write-batch.js';

/** A batch of `samples` samples plus one row of every other kind; `tag` makes it recognisable. */
export function mixedBatch(tag: number, samples = 20): WriteBatch {
  const b = new WriteBatchBuilder();
  const device = `DTU${tag}`;
  b.deviceOnline({
    registrationId: device,
    profile: 'p',
    name: `名称${tag}`,
    ip: '10.0.0.1',
    port: 5000 + tag,
    listener: 'dtu',
    at: tag,
  });
  b.connection({
    registrationId: device,
    event: 'connect',
    ip: '10.0.0.1',
    port: 5000 + tag,
    listener: 'dtu',
    details: null,
    at: tag,
  });
  b.heartbeat({ registrationId: device, at: tag + 1, ip: '10.0.0.1', port: 5000 + tag });
  b.event({
    id: `ev-${tag}`,
    type: 'device.online',
    registrationId: device,
    rule: null,
    at: tag,
    payload: { profile: 'p', 名称: tag },
  });
  b.rawPacket({
    registrationId: tag % 2 === 0 ? null : device,
    direction: 'in',
    kind: 'garbage',
    bytes: Uint8Array.from([tag & 0xff, 0xfe, 0x00]),
    at: tag + 2,
    ip: '10.0.0.1',
    port: 5000,
    note: tag % 3 === 0 ? null : 'bad crc',
  });
  for (let i = 0; i < samples; i++) {
    b.sample({
      deviceId: device,
      point: `p${i % 5}`,
      slave: 1 + (i % 2),
      address: 2000 + i,
      value: i === 3 ? null : tag * 1000 + i + 0.25,
      text: i === 3 ? 'SN-ä' : null,
      raw: (i * 257).toString(16).padStart(4, '0'),
      ts: 1_700_000_000_000 + tag * 1000 + i,
      quality: 'good',
    });
  }
  return b.finish();
}

/** The used part of a batch as plain data, to compare batches across encode/decode. */
export function plain(batch: WriteBatch): unknown {
  const s = batch.samples;
  const r = batch.rawPackets;
  const cut = (column: ArrayLike<number>, n: number) => Array.from(column).slice(0, n);
  return {
    id: batch.id,
    rows: batch.rows,
    strings: batch.strings,
    devices: batch.devices,
    connections: batch.connections,
    heartbeats: batch.heartbeats,
    events: batch.events,
    samples: Object.fromEntries(
      (['device', 'point', 'slave', 'address', 'value', 'hasValue', 'text', 'raw', 'ts', 'quality'] as const).map(
        (k) => [k, cut(s[k], s.count)],
      ),
    ),
    raw: Object.fromEntries(
      (['device', 'direction', 'kind', 'at', 'ip', 'port', 'note', 'byteEnd'] as const).map((k) => [
        k,
        cut(r[k], r.count),
      ]),
    ),
    bytes: cut(r.bytes, r.count === 0 ? 0 : r.byteEnd[r.count - 1]!),
  };
}
