// server.yml `sinks:`: the common part and the influxdb section with their defaults, keys of
// the other API or another type, what each API needs, duplicate names, tag keys that collide —
// every problem at once, with line and field.
import { describe, expect, it } from 'vitest';
import { loadServer, MINIMAL_SERVER, serverIssues } from './temp-config.js';

const SERVER = (sinks: string) => `${MINIMAL_SERVER}sinks:
${sinks}`;

const load = loadServer;
const issues = serverIssues;

describe('sinks config', () => {
  it('compiles an InfluxDB 2 sink with every default filled in', () => {
    const { server } = load(
      SERVER(`  - name: influx
    type: influxdb
    influxdb:
      url: http://127.0.0.1:8086
      org: plant
      bucket: dtu
      token: \${INFLUX_TOKEN}`),
      { INFLUX_TOKEN: 't0ken' },
    );
    expect(server.sinks).toEqual([
      {
        name: 'influx',
        type: 'influxdb',
        enabled: true,
        samples: 'all',
        queue: { maxRows: 5000, flushIntervalMs: 1000, maxPendingRows: 200_000 },
        spill: {
          dir: 'data/spill/sinks/influx',
          maxSizeBytes: 1024 ** 3,
          writeTimeoutMs: 10_000,
          retryMinMs: 1000,
          retryMaxMs: 30_000,
        },
        influxdb: {
          url: 'http://127.0.0.1:8086',
          api: 'v2',
          org: 'plant',
          bucket: 'dtu',
          token: 't0ken',
          database: null,
          retentionPolicy: null,
          username: null,
          password: null,
          gzip: true,
          timeoutMs: 10_000,
          maxBodyBytes: 1024 ** 2,
          measurement: null,
          tags: { device: 'device', name: 'name', profile: 'profile', group: 'group', registryTags: true, extra: {} },
        },
      },
    ]);
  });

  it('compiles a v1 sink with a fixed measurement, renamed and omitted tags', () => {
    const { server } = load(
      SERVER(`  - name: legacy
    type: influxdb
    samples: stored
    queue: { maxRows: 100, flushInterval: 200ms }
    spill: { dir: /var/lib/dtuhub/influx, maxSize: 64MiB }
    influxdb:
      url: http://db.example.test:8086/prefix
      api: v1
      database: plant
      retentionPolicy: autogen
      username: writer
      password: 123456
      gzip: false
      measurement: dtu
      tags: { device: dtu_id, name: false, extra: { site: north, line: 2 } }`),
    );
    const [sink] = server.sinks;
    expect(sink).toMatchObject({
      samples: 'stored',
      queue: { maxRows: 100, flushIntervalMs: 200 },
      spill: { dir: '/var/lib/dtuhub/influx', maxSizeBytes: 64 * 1024 ** 2 },
      influxdb: {
        api: 'v1',
        database: 'plant',
        retentionPolicy: 'autogen',
        username: 'writer',
        password: '123456',
        gzip: false,
        measurement: 'dtu',
        tags: { device: 'dtu_id', name: null, profile: 'profile', extra: { site: 'north', line: '2' } },
      },
    });
  });

  it('reports every problem of the sinks at once, with line and field', () => {
    expect(
      issues(
        SERVER(`  - name: a
    type: influxdb
    influxdb:
      url: ftp://db.example.test
      api: v2
      database: plant
  - name: a
    type: influxdb
    queue: { maxRows: 1000, maxPendingRows: 10 }
    influxdb: { url: http://x:8086, api: v1, database: d, username: u }
  - name: b
    type: influxdb
  - name: c
    type: influxdb
    spill: { retryMin: 10s, retryMax: 1s }
    influxdb:
      url: http://x:8086
      bucket: b
      timeout: 0
      tags: { device: id, profile: id, extra: { id: x } }
  - name: d
    type: kafka`),
      ),
    ).toEqual([
      '9:sinks[0].influxdb: api: v2 needs bucket',
      '10:sinks[0].influxdb.url: must be an http:// or https:// URL',
      '12:sinks[0].influxdb.database: does not apply to api: v2',
      '13:sinks[1].name: duplicate sink name "a" (first at line 7)',
      '15:sinks[1].queue.maxPendingRows: must be at least queue.maxRows (1000)',
      '16:sinks[1].influxdb.password: give username and password together',
      '17:sinks[2]: this influxdb sink needs its settings under influxdb:',
      '21:sinks[3].spill.retryMax: must be at least spill.retryMin (10000 ms)',
      '25:sinks[3].influxdb.timeout: must be longer than 0',
      '26:sinks[3].influxdb.tags.profile: tag key "id" is also the device tag',
      '26:sinks[3].influxdb.tags.extra.id: tag key "id" is also the device tag',
      '28:sinks[4].type: must be one of: influxdb, mqtt',
    ]);
  });
});
