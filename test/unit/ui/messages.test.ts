// Every UI string exists in English and 简体中文 with the same {placeholders}.
import { describe, expect, it } from 'vitest';
import { en, zh } from '../../../ui/src/lib/messages.js';

function flatten(node: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('UI messages', () => {
  const english = flatten(en);
  const chinese = flatten(zh);

  it('have the same keys in both languages, none empty', () => {
    expect([...chinese.keys()].sort()).toEqual([...english.keys()].sort());
    for (const [key, text] of [...english, ...chinese]) expect(text.trim(), key).not.toBe('');
  });

  it('use the same placeholders in both languages', () => {
    for (const [key, text] of english) expect(placeholders(chinese.get(key)!), key).toEqual(placeholders(text));
  });

  it('are translated: only names that read the same in both languages are left alike', () => {
    const same = [...english].filter(([key, text]) => chinese.get(key) === text).map(([key]) => key);
    // Protocol and product names (HTTP, Modbus TCP, MQTT, OPC UA, InfluxDB) are written the same in Chinese.
    const protocols = ['channelType.http', 'channelType.modbus-tcp', 'channelType.mqtt', 'channelType.opcua'];
    expect(same.sort()).toEqual(['appName', ...protocols, 'dashboard.cpu', 'hex.ascii', 'sinkType.influxdb']);
  });
});
