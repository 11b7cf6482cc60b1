// `type: mqtt` sinks in server.yml `sinks:`: the `mqtt:` section's defaults and compile, and
// every problem reported with file, line and field, through the real config loader.
import { describe, expect, it } from 'vitest';
import { ConfigError, formatConfigIssue } from '../../../src/config/errors.js';
import { loadConfig } from '../../../src/config/load.js';
import { MINIMAL_POINTS, MINIMAL_SERVER, withConfigDir } from './temp-config.js';

/** MINIMAL_SERVER is 5 lines: `sinks:` is line 6, the first entry starts on line 7. */
const SERVER = (sinks: string) => `${MINIMAL_SERVER}sinks:
${sinks}`;

function load(sinks: string, env: Record<string, string> = {}) {
  return withConfigDir({ server: SERVER(sinks), points: MINIMAL_POINTS }, (dir) => loadConfig(dir, env));
}

/** Every problem as `server.yml:line:column field: message` (the directory's path cut off). */
function issues(sinks: string): string[] {
  try {
    load(sinks);
  } catch (err) {
    if (err instanceof ConfigError)
      return err.issues.map((i) => formatConfigIssue(i).replace(/^.*server\.yml/, 'server.yml'));
    throw err;
  }
  return [];
}

describe('mqtt sink config', () => {
  it('fills in every default from a URL alone', () => {
    const { server } = load(`  - name: north
    type: mqtt
    mqtt:
      url: mqtt://broker:1883
`);
    expect(server.sinks).toEqual([
      {
        name: 'north',
        type: 'mqtt',
        enabled: true,
        samples: 'all',
        queue: { maxRows: 5000, flushIntervalMs: 1000, maxPendingRows: 200_000 },
        spill: {
          dir: 'data/spill/sinks/north',
          maxSizeBytes: 1024 ** 3,
          writeTimeoutMs: 10_000,
          retryMinMs: 1000,
          retryMaxMs: 30_000,
        },
        mqtt: {
          name: 'north',
          url: 'mqtt://broker:1883',
          clientId: 'dtuhub-sink-north',
          username: null,
          password: null,
          tls: null,
          keepaliveSec: 60,
          connectTimeoutMs: 10_000,
          reconnectMs: 5_000,
          qos: 1,
          prefix: 'dtuhub',
          format: 'json',
          topics: {
            data: '{prefix}/{device}/data',
            status: '{prefix}/status/{device}',
            gateway: '{prefix}/gateway/status',
          },
          retainStatus: true,
          units: true,
          writeBack: {
            enabled: false,
            requestTopic: '{prefix}/write/request/{device}',
            responseTopic: '{prefix}/write/response/{device}',
            allow: [],
            maxPending: 16,
          },
        },
      },
    ]);
  });

  it('takes per-point topics, credentials from the environment and a write-back allow-list', () => {
    const { server } = load(
      `  - name: north
    type: mqtt
    samples: stored
    mqtt:
      url: mqtt://broker:1883
      username: gw
      password: \${MQTT_PASSWORD}
      format: point
      prefix: site/7
      reconnect: 2s
      writeBack:
        enabled: true
        allow:
          - devices: [boiler-*]
            points: ['*_setpoint']
`,
      { MQTT_PASSWORD: '123456' },
    );
    expect(server.sinks[0]).toMatchObject({
      type: 'mqtt',
      samples: 'stored',
      mqtt: {
        username: 'gw',
        password: '123456',
        format: 'point',
        prefix: 'site/7',
        reconnectMs: 2000,
        topics: { data: '{prefix}/{device}/{point}' },
        writeBack: { enabled: true, allow: [{ devices: ['boiler-*'], points: ['*_setpoint'], registers: false }] },
      },
    });
  });

  it('reports what the schema refuses with file, line and field', () => {
    expect(
      issues(`  - name: north
    type: mqtt
    mqtt:
      url: http://broker
      qos: 0
      topic: x
      topics:
        gateway: 'gw/#'
`),
    ).toEqual([
      'server.yml:10:7 sinks[0].mqtt.url: must be an mqtt://, mqtts://, ws:// or wss:// URL',
      'server.yml:11:7 sinks[0].mqtt.qos: must be one of: 1, 2',
      'server.yml:12:7 sinks[0].mqtt.topic: unknown key (did you mean "topics"?)',
      'server.yml:14:9 sinks[0].mqtt.topics.gateway: must be a topic without wildcards (+ #); {prefix}, {device} … are filled in',
    ]);
  });

  it('reports every cross-field problem at once with file, line and field', () => {
    expect(
      issues(`  - name: north
    type: mqtt
    mqtt:
      url: mqtt://broker
      format: point
      topics:
        data: '{prefix}/{device}/values'
        status: '{prefix}/{point}/status'
      tls:
        ca: /nonexistent/ca.pem
      writeBack:
        enabled: true
        requestTopic: '{prefix}/write/{device}-request'
`),
    ).toEqual([
      'server.yml:13:9 sinks[0].mqtt.topics.data: format point publishes one topic per point: the template needs {point}',
      'server.yml:14:9 sinks[0].mqtt.topics.status: {point} cannot be used here; this topic takes {prefix}, {device}',
      'server.yml:15:7 sinks[0].mqtt.tls: applies to mqtts:// and wss:// URLs only, not mqtt://',
      'server.yml:16:9 sinks[0].mqtt.tls.ca: no such file: /nonexistent/ca.pem (relative paths are read from the working directory)',
      'server.yml:17:7 sinks[0].mqtt.writeBack.allow: write-back is enabled but allows nothing: list the devices and points it may write',
      'server.yml:19:9 sinks[0].mqtt.writeBack.requestTopic: needs {device} as a topic level of its own, like {prefix}/write/request/{device}',
    ]);
  });

  it('refuses MQTT settings on an influxdb sink and an mqtt sink without its section', () => {
    expect(
      issues(`  - name: influx
    type: influxdb
    influxdb: { url: 'http://x:8086', bucket: b }
    mqtt: { url: 'mqtt://broker' }
  - name: north
    type: mqtt
    url: mqtt://broker
`),
    ).toEqual([
      'server.yml:10:5 sinks[0].mqtt: does not apply to this influxdb sink',
      'server.yml:11:5 sinks[1]: this mqtt sink needs its settings under mqtt:',
      'server.yml:13:5 sinks[1].url: unknown key',
    ]);
  });
});
