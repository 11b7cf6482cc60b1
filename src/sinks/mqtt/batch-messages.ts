// A WriteBatch → the MQTT messages the sink publishes for it, in the order they must go:
// devices that came online first, then the samples in the order accepted, then devices
// that went offline (a device goes online before its data and offline after).
// Pure: the sink owns the client; a batch maps to the same messages on every replay.
import type { MqttSinkConfig } from '../../domain/mqtt-sink.js';
import type { WriteBatch } from '../../storage/index.js';
import type { PointMessage, SampleMessage, StatusMessage } from './message-schema.js';
import { fillTopic } from './topic-template.js';

export interface MqttMessage {
  readonly topic: string;
  readonly payload: string;
  readonly retain: boolean;
}

/** What the sink knows about a device beyond the batch: its name, profile and point units. */
export interface DeviceInfo {
  readonly name: string | null;
  readonly profile: string | null;
  unit(point: string): string | null;
}

export type DeviceDirectory = (deviceId: string) => DeviceInfo | null;

export type MessageOptions = Pick<MqttSinkConfig, 'prefix' | 'format' | 'topics' | 'retainStatus' | 'units'>;

/** One batch being mapped: what the per-format functions share. */
interface Mapping {
  readonly batch: WriteBatch;
  readonly options: MessageOptions;
  readonly info: (id: string) => DeviceInfo;
  readonly out: MqttMessage[];
}

const UNKNOWN: DeviceInfo = { name: null, profile: null, unit: () => null };

export function batchMessages(batch: WriteBatch, options: MessageOptions, directory: DeviceDirectory): MqttMessage[] {
  const out: MqttMessage[] = [];
  // Names from the batch's own online records win: they are what the device was at the time.
  const seen = new Map<string, DeviceInfo>();
  const info = (id: string): DeviceInfo => seen.get(id) ?? directory(id) ?? UNKNOWN;
  for (const op of batch.devices) {
    if (op.op !== 'online') continue;
    const known = directory(op.registrationId);
    seen.set(op.registrationId, { name: op.name, profile: op.profile, unit: known?.unit ?? UNKNOWN.unit });
    out.push(statusMessage(op.registrationId, 'online', op.at, options, op.name, op.profile));
  }
  const mapping: Mapping = { batch, options, info, out };
  if (options.format === 'json') jsonMessages(mapping);
  else pointMessages(mapping);
  for (const op of batch.devices)
    if (op.op === 'offline') out.push(statusMessage(op.registrationId, 'offline', op.at, options));
  return out;
}

export function statusMessage(
  device: string,
  status: 'online' | 'offline',
  at: number,
  options: MessageOptions,
  name?: string | null,
  profile?: string | null,
): MqttMessage {
  const body: StatusMessage = { device, status, ts: at, time: new Date(at).toISOString() };
  const full = name === undefined ? body : { ...body, name, profile: profile ?? null };
  return {
    topic: fillTopic(options.topics.status, { prefix: options.prefix, device }),
    payload: JSON.stringify(full),
    retain: options.retainStatus,
  };
}

/** Sample `i`'s value: its number, its text for a string point, or null. */
function valueAt(batch: WriteBatch, i: number): number | string | null {
  const s = batch.samples;
  if (s.hasValue[i] === 1) {
    const v = s.value[i]!;
    // JSON has no NaN or Infinity: a float register holding one is sent as null.
    return Number.isFinite(v) ? v : null;
  }
  const text = s.text[i]!;
  return text >= 0 ? batch.strings[text]! : null;
}

/** One message per device and receive time: the points of one poll of a read block together. */
function jsonMessages({ batch, options, info, out }: Mapping) {
  const s = batch.samples;
  const open = new Map<string, SampleMessage & { units?: Record<string, string> }>();
  const order: (SampleMessage & { units?: Record<string, string> })[] = [];
  for (let i = 0; i < s.count; i++) {
    const device = batch.strings[s.device[i]!]!;
    const point = batch.strings[s.point[i]!]!;
    const ts = s.ts[i]!;
    const key = `${device}\u0000${ts}`;
    let message = open.get(key);
    const d = info(device);
    if (!message) {
      message = {
        device,
        name: d.name,
        profile: d.profile,
        ts,
        time: new Date(ts).toISOString(),
        points: {},
        ...(options.units ? { units: {} } : {}),
        quality: 'good',
        batch: batch.id,
      };
      open.set(key, message);
      order.push(message);
    }
    const value = valueAt(batch, i);
    message.points[point] = value;
    const unit = options.units ? d.unit(point) : null;
    if (unit !== null && message.units) message.units[point] = unit;
    const quality = batch.strings[s.quality[i]!]!;
    if (value === null || quality !== 'good') {
      message.quality = 'partial';
      (message.errors ??= []).push({ point, quality: value === null && quality === 'good' ? 'no value' : quality });
    }
  }
  for (const message of order) {
    if (message.units && Object.keys(message.units).length === 0) delete message.units;
    const d = info(message.device);
    out.push({
      topic: fillTopic(options.topics.data, {
        prefix: options.prefix,
        device: message.device,
        name: d.name ?? message.device,
        profile: d.profile ?? '_',
      }),
      payload: JSON.stringify(message),
      retain: false,
    });
  }
}

function pointMessages({ batch, options, info, out }: Mapping) {
  const s = batch.samples;
  for (let i = 0; i < s.count; i++) {
    const device = batch.strings[s.device[i]!]!;
    const point = batch.strings[s.point[i]!]!;
    const ts = s.ts[i]!;
    const d = info(device);
    const unit = options.units ? d.unit(point) : null;
    const body: PointMessage = {
      value: valueAt(batch, i),
      ts,
      time: new Date(ts).toISOString(),
      ...(unit !== null ? { unit } : {}),
      quality: batch.strings[s.quality[i]!]!,
      batch: batch.id,
    };
    out.push({
      topic: fillTopic(options.topics.data, {
        prefix: options.prefix,
        device,
        point,
        name: d.name ?? device,
        profile: d.profile ?? '_',
      }),
      payload: JSON.stringify(body),
      retain: false,
    });
  }
}
