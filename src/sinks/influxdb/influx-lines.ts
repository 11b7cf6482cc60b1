// A WriteBatch's samples → InfluxDB line protocol, in request bodies of at most maxBodyBytes.
//
// One line per device and timestamp: the samples of one read share their time, so a poll of
// 50 points is one line of 50 fields, not 50 lines. Numbers are float fields whatever the
// point's type: InfluxDB refuses a batch whose field changes type within a shard, and a
// point's values (an int16 × 0.1 reading 21.0, a scale edited later) must never do that.
// Text points are string fields. Device and connection rows of the batch are not samples
// and are not written.
import type { InfluxSinkConfig } from '../../domain/sinks.js';
import { SAMPLE_STORED, type WriteBatch } from '../../storage/index.js';
import type { DeviceDirectory, DeviceFacts } from '../device-directory.js';
import { encodeLine, escapeKey, escapeMeasurement, tagSet, type FieldValue } from './line-protocol.js';

export type InfluxMapping = InfluxSinkConfig['influxdb']['tags'] & { readonly measurement: string | null };

/** Measurement when no fixed name is set and the device's profile is not known. */
const FALLBACK_MEASUREMENT = 'dtuhub';
const REGISTRY_TAG = /^([^=]+)=(.+)$/;

/** The tags and measurement of a device as line protocol's head. */
export function deviceHead(mapping: InfluxMapping, deviceId: string, facts: DeviceFacts | undefined): string {
  const tags: Record<string, string> = {};
  if (mapping.registryTags)
    for (const tag of facts?.tags ?? []) {
      const m = REGISTRY_TAG.exec(tag);
      if (m) tags[m[1]!.trim()] = m[2]!.trim();
    }
  Object.assign(tags, mapping.extra);
  const set = (key: string | null, value: string | null | undefined): void => {
    if (key !== null && value) tags[key] = value;
  };
  set(mapping.device, deviceId);
  set(mapping.name, facts?.name);
  set(mapping.profile, facts?.profile);
  set(mapping.group, facts?.group);
  const measurement = mapping.measurement ?? facts?.profile ?? FALLBACK_MEASUREMENT;
  return escapeMeasurement(measurement) + tagSet(tags);
}

export interface EncodedBody {
  readonly body: string;
  readonly lines: number;
  readonly samples: number;
}

/**
 * The batch's samples as request bodies, in the batch's order. `storedOnly`: only samples
 * flagged as history rows (a sink configured with `samples: stored`).
 */
export function batchBodies(
  batch: WriteBatch,
  mapping: InfluxMapping,
  devices: DeviceDirectory,
  maxBodyBytes: number,
  storedOnly = false,
): EncodedBody[] {
  const s = batch.samples;
  const strings = batch.strings;
  const heads = new Map<number, string>();
  const fieldKeys = new Map<number, string>();
  const bodies: EncodedBody[] = [];
  let parts: string[] = [];
  let bytes = 0;
  let lines = 0;
  let samples = 0;
  const push = (line: string | null, count: number): void => {
    if (line === null) return;
    const size = Buffer.byteLength(line) + 1;
    if (bytes > 0 && bytes + size > maxBodyBytes) {
      bodies.push({ body: parts.join('\n'), lines, samples });
      parts = [];
      bytes = 0;
      lines = 0;
      samples = 0;
    }
    parts.push(line);
    bytes += size;
    lines += 1;
    samples += count;
  };
  let fields: [string, FieldValue][] = [];
  let lineDevice = -1;
  let lineTs = Number.NaN;
  for (let i = 0; i < s.count; i++) {
    if (storedOnly && (s.flags[i]! & SAMPLE_STORED) === 0) continue;
    const device = s.device[i]!;
    const ts = s.ts[i]!;
    if (device !== lineDevice || ts !== lineTs) {
      if (fields.length > 0) push(encodeLine(heads.get(lineDevice)!, fields, lineTs), fields.length);
      fields = [];
      lineDevice = device;
      lineTs = ts;
      if (!heads.has(device)) heads.set(device, deviceHead(mapping, strings[device]!, devices.facts(strings[device]!)));
    }
    const point = s.point[i]!;
    let key = fieldKeys.get(point);
    if (key === undefined) fieldKeys.set(point, (key = escapeKey(strings[point]!)));
    const text = s.text[i]!;
    if (text >= 0) fields.push([key, { kind: 'string', value: strings[text]! }]);
    else if (s.hasValue[i] === 1) fields.push([key, { kind: 'float', value: s.value[i]! }]);
  }
  if (fields.length > 0) push(encodeLine(heads.get(lineDevice)!, fields, lineTs), fields.length);
  if (parts.length > 0) bodies.push({ body: parts.join('\n'), lines, samples });
  return bodies;
}
