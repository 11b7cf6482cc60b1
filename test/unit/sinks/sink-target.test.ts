// What supervision and check-config show as a sink's target: where it writes, never a
// password, token or user, even when the URL carries them.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { sinkTarget } from '../../../src/sinks/factories.js';
import { MINIMAL_POINTS, MINIMAL_SERVER, withConfigDir } from '../config/temp-config.js';

function targets(sinks: string): string[] {
  const { server } = withConfigDir({ server: `${MINIMAL_SERVER}sinks:\n${sinks}`, points: MINIMAL_POINTS }, (dir) =>
    loadConfig(dir, {}),
  );
  return server.sinks.map(sinkTarget);
}

describe('sink targets', () => {
  it('name the broker, prefix, format and write-back of an mqtt sink without its credentials', () => {
    expect(
      targets(`  - name: a
    type: mqtt
    mqtt: { url: 'mqtts://gw:pa55word@broker.example.com:8883/?x=1', password: pa55word, format: point }
  - name: b
    type: mqtt
    mqtt:
      url: ws://broker.example.com/mqtt
      prefix: site/7
      writeBack: { enabled: true, allow: [{ devices: ['*'], points: [setpoint] }] }
`),
    ).toEqual([
      'mqtts://broker.example.com:8883 (dtuhub, point)',
      'ws://broker.example.com/mqtt (site/7, json, write-back)',
    ]);
  });

  it('name an InfluxDB server and its bucket or database without the token or user', () => {
    expect(
      targets(`  - name: v2
    type: influxdb
    influxdb: { url: 'http://writer:secret@db:8086/base/', org: plant, bucket: dtu, token: t0ken }
  - name: v1
    type: influxdb
    influxdb: { url: 'https://db:8086', api: v1, database: plant, username: u, password: p }
`),
    ).toEqual(['http://db:8086/base (v2 plant/dtu)', 'https://db:8086 (v1 plant)']);
  });
});
