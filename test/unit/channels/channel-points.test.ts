// The points an MQTT, HTTP or OPC UA channel maps for a device (units and charts on the
// device page come from here): by the channel's device, MQTT subscriptions whose device
// comes from the topic or payload counting for any device, first definition of a name wins.
import { describe, expect, it } from 'vitest';
import { channelPoints } from '../../../src/channels/channel-points.js';
import type { ChannelConfig, DeviceSource, JsonMappedPoint } from '../../../src/domain/channels.js';

const point = (name: string, unit?: string): JsonMappedPoint => ({
  name,
  path: [name],
  pathText: name,
  scale: 1,
  offset: 0,
  ...(unit ? { unit } : {}),
});
const base = { enabled: true, backoff: { initialMs: 1000, maxMs: 300_000 } };
const names = (config: ChannelConfig, id: string) => channelPoints(config, id).map((p) => [p.name, p.unit ?? null]);

describe('channelPoints', () => {
  it('gives an HTTP or OPC UA channel its points for its own device only', () => {
    const http = {
      ...base,
      name: 'wx',
      type: 'http',
      device: 'WX-01',
      points: [point('t', '°C'), point('h', '%')],
    } as unknown as ChannelConfig;
    expect(names(http, 'WX-01')).toEqual([
      ['t', '°C'],
      ['h', '%'],
    ]);
    expect(names(http, 'OTHER')).toEqual([]);
    const opcua = {
      ...base,
      name: 'ua',
      type: 'opcua',
      device: 'PLC-7',
      items: [{ nodeId: 'ns=1;s=P', samplingIntervalMs: 0, name: 'pressure', scale: 1, offset: 0, unit: 'bar' }],
    } as unknown as ChannelConfig;
    expect(names(opcua, 'PLC-7')).toEqual([['pressure', 'bar']]);
    expect(names(opcua, 'WX-01')).toEqual([]);
  });

  it('gives MQTT the points of subscriptions fixed to the device and of those that name devices from the message', () => {
    const sub = (device: DeviceSource, points: JsonMappedPoint[]) => ({
      topic: 't/#',
      device,
      timestamp: null,
      points,
    });
    const mqtt = {
      ...base,
      name: 'broker',
      type: 'mqtt',
      subscriptions: [
        sub({ kind: 'fixed', id: 'HALL' }, [point('t', '°C')]),
        sub({ kind: 'topic-level', level: 1 }, [point('t', 'K'), point('kwh', 'kWh')]),
        sub({ kind: 'fixed', id: 'YARD' }, [point('wind', 'm/s')]),
      ],
    } as unknown as ChannelConfig;
    expect(names(mqtt, 'HALL')).toEqual([
      ['t', '°C'],
      ['kwh', 'kWh'],
    ]);
    expect(names(mqtt, 'PUMP-1')).toEqual([
      ['t', 'K'],
      ['kwh', 'kWh'],
    ]);
  });

  it('gives Modbus channels none: their profile has the points', () => {
    const modbus = { ...base, name: 'm', type: 'modbus-tcp', device: 'M', profile: 'p' } as unknown as ChannelConfig;
    expect(channelPoints(modbus, 'M')).toEqual([]);
  });
});
