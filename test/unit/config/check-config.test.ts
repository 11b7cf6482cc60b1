import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCheckConfig } from '../../../src/cli/check-config.js';
import { MINIMAL_POINTS, MINIMAL_SERVER, withConfigDir } from './temp-config.js';

const CONFIG_DIR = fileURLToPath(new URL('../../../config', import.meta.url));

/** check-config on the shipped config with its commented `section:` example uncommented. */
function runUncommented(section: 'channels' | 'sinks', env: NodeJS.ProcessEnv): { code: number; lines: string[] } {
  const shipped = readFileSync(join(CONFIG_DIR, 'server.yml'), 'utf8');
  const block = shipped.match(new RegExp(`^# ${section}:\\n(?:# {3}.*\\n)+`, 'm'))?.[0];
  expect(block, `a commented ${section}: block in config/server.yml`).toBeDefined();
  const server = shipped.replace(block!, block!.replace(/^# /gm, ''));
  const points = readFileSync(join(CONFIG_DIR, 'points.yml'), 'utf8');
  const result = withConfigDir({ server, points }, (dir) => run(dir, env));
  expect(result.code, result.lines.join('\n')).toBe(0);
  return result;
}

function run(dir: string, env: NodeJS.ProcessEnv = {}): { code: number; lines: string[] } {
  const lines: string[] = [];
  const code = runCheckConfig(dir, (line) => lines.push(line), env);
  return { code, lines };
}

describe('runCheckConfig', () => {
  it('summarizes the shipped config and exits 0', () => {
    const { code, lines } = run(CONFIG_DIR);
    expect(code).toBe(0);
    expect(lines).toEqual([
      `config OK: ${CONFIG_DIR}`,
      'listeners (2):',
      '  dtu 0.0.0.0:22334 → link transparent (transparent, ascii registration), then typed (typed, integer registration)',
      '  typed 0.0.0.0:22335 → link typed (typed, integer registration)',
      'web: 127.0.0.1:8080',
      'metrics: /metrics on the web port, bearer API token',
      'storage: sqlite data/dtuhub.db',
      'timers: polls, timeouts and heartbeat checks at most 50ms late (auto)',
      'profiles (1):',
      '  th-station: 1 slave, 9 points, 4 tasks, 4 read blocks',
      '    main-block (every 30s): slave 1 fn 3 2000×100; 5 points',
      '    power (every 1m): slave 1 fn 3 2200×15; 2 points',
      '    speed (on heartbeat): slave 1 fn 3 2300×10; 1 point',
      '    frequency (every 2m): slave 1 fn 3 2400×20; 1 point',
      'device rules (1):',
      '  default → th-station',
      `rules (4) from ${join(CONFIG_DIR, 'rules.yml')}:`,
      '  device-online-offline: on device.online, device.offline → webhook ops, log',
      '  high-temperature: temperature > 30 → webhook ops, log, notify ops-mail, notify ops-dingtalk',
      '  status-alarm-bit: status bit 0 set → log, notify ops-dingtalk',
      '  temperature-silent: temperature noDataFor 5m → log',
      '  webhook ops: POST http://127.0.0.1:9000/dtuhub/webhook (disabled), signed with 1 secret',
      '  notifier ops-mail: email smtp.example.com:465 (TLS) → ops@example.com, zh, quiet 22:00–07:00 (disabled)',
      '  notifier ops-dingtalk: dingtalk oapi.dingtalk.com/robot/send, markdown, signed, zh, major and above, quiet 22:00–07:00 (disabled)',
    ]);
  });

  it('prints every issue and exits 1', () => {
    const points = MINIMAL_POINTS.replace('address: 0', 'address: -1').replace(
      'type: int16',
      'type: int16\n        colour: red',
    );
    const result = withConfigDir({ server: MINIMAL_SERVER, points }, (dir) => {
      const { code, lines } = run(dir);
      return { code, lines: lines.map((l) => l.replace(dir, '<dir>')) };
    });
    expect(result).toEqual({
      code: 1,
      lines: [
        '<dir>/points.yml:13:9 profiles.station.points[0].address: must be ≥ 0',
        '<dir>/points.yml:15:9 profiles.station.points[0].colour: unknown key',
        '2 problems in <dir>',
      ],
    });
  });

  it('prints the scheduler step a set sessions.timerResolution gives', () => {
    const server = `${MINIMAL_SERVER}sessions:\n  timerResolution: 10ms\n`;
    const { code, lines } = withConfigDir({ server, points: MINIMAL_POINTS }, (dir) => run(dir));
    expect(code).toBe(0);
    expect(lines).toContain(
      'timers: polls, timeouts and heartbeat checks at most 10ms late (sessions.timerResolution)',
    );
  });

  it('accepts the commented channel examples of the shipped server.yml once uncommented, and lists them', () => {
    const { lines } = runUncommented('channels', { MQTT_PASSWORD: 'secret' });
    const from = lines.indexOf('channels (6):');
    expect(lines.slice(from, from + 7)).toEqual([
      'channels (6):',
      '  plant-broker mqtt → mqtt://192.168.1.10:1883: 1 subscription',
      '  meter-hall-a modbus-tcp → 192.168.1.30:502: device METER-A01, profile th-station',
      '  pump-station-dtu rtu-over-tcp → 10.8.0.21:502: devices registering by link transparent',
      '  weather-station http → http://192.168.1.50/api/v1/current: device WX-01, 1 point',
      '  line-3-plc opcua → opc.tcp://192.168.1.40:4840: device PLC-L3, 1 item',
      '  press-plc mc → 192.168.1.60:5007: device PRESS-01, 1 tag, binary 3E frame',
    ]);
  });

  it('accepts the commented sink examples of the shipped server.yml once uncommented, and lists them without secrets', () => {
    const { lines } = runUncommented('sinks', { INFLUX_TOKEN: 'influx-secret', MQTT_PASSWORD: 'mqtt-secret' });
    const from = lines.indexOf('sinks (2):');
    expect(lines.slice(from, from + 3)).toEqual([
      'sinks (2):',
      '  influx influxdb → http://127.0.0.1:8086 (v2 plant/dtu): all samples, spill data/spill/sinks/influx',
      '  north mqtt → mqtt://127.0.0.1:1883 (plant-7, json): all samples, spill data/spill/sinks/north',
    ]);
    expect(lines.join('\n')).not.toMatch(/secret|gateway@/);
  });
});
