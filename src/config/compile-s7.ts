// An s7 channel's entry (schema-checked, defaults filled in) → S7ChannelConfig: every tag's
// address parsed the Siemens way (protocol/s7/address.ts) and its type checked against the
// address's size, each problem reported at the tag's own field; tag names unique; write
// limits in order; inputs never writable (the PLC's input scan overwrites them).
import type { S7ChannelConfig } from '../domain/channels.js';
import type { S7Tag } from '../domain/s7.js';
import { formatS7Address, parseS7Tag } from '../protocol/s7/address.js';
import type { YamlPath } from './errors.js';
import { mappedPoint } from './compile-mapped-points.js';
import { asList, asMap, intIn, num, str, type RawMap } from './raw.js';
import type { IssueSink } from './yaml-source.js';

/** Keys an s7 channel takes besides the common ones. */
export const S7_KEYS = ['host', 'port', 'connectTimeout', 'rack', 'slot', 'every', 'timeout', 'device', 'tags'];
export const S7_REQUIRED = ['host', 'device', 'tags'];
/** ISO-on-TCP (RFC 1006). */
export const S7_DEFAULT_PORT = 102;

type Base = Pick<S7ChannelConfig, 'name' | 'enabled' | 'backoff'>;
type Timing = Pick<S7ChannelConfig, 'connectTimeoutMs' | 'everyMs' | 'timeoutMs'>;

export function compileS7(base: Base, m: RawMap, timing: Timing, at: YamlPath, sink: IssueSink): S7ChannelConfig {
  const tags: S7Tag[] = [];
  const seen = new Map<string, number>();
  const addresses = new Map<string, string>();
  asList(m['tags']).forEach((raw, i) => {
    const tm = asMap(raw);
    const tagAt: YamlPath = [...at, 'tags', i];
    const point = mappedPoint(tm, tagAt, seen, sink);
    const addressText = str(tm, 'address');
    if (!point || addressText === undefined) return;
    const parsed = parseS7Tag(addressText, str(tm, 'type'));
    if (!parsed.ok) {
      sink.add([...tagAt, parsed.field], parsed.problem);
      return;
    }
    const writable = tm['writable'] === true;
    if (writable && parsed.address.area === 'I')
      sink.add(
        [...tagAt, 'writable'],
        `${formatS7Address(parsed.address)} is an input: the PLC's input scan overwrites it, so it cannot be writable`,
      );
    const min = num(tm, 'min');
    const max = num(tm, 'max');
    if (min !== undefined && max !== undefined && min > max)
      sink.add([...tagAt, 'max'], `must be at least min (${min})`);
    if (point.scale === 0 && writable) sink.add([...tagAt, 'scale'], 'a writable tag needs a scale other than 0');
    const key = `${parsed.text}:${parsed.type}`;
    const same = addresses.get(key);
    if (same !== undefined) sink.add([...tagAt, 'address'], `${parsed.text} is read by tag "${same}" already`);
    else addresses.set(key, point.name);
    tags.push({
      ...point,
      addressText: parsed.text,
      address: parsed.address,
      type: parsed.type,
      writable: writable && parsed.address.area !== 'I',
      ...(min !== undefined ? { min } : {}),
      ...(max !== undefined ? { max } : {}),
    });
  });
  return {
    ...base,
    type: 's7',
    host: str(m, 'host')!,
    port: intIn(m, 'port', 1, 65535) ?? S7_DEFAULT_PORT,
    rack: m['rack'] as number,
    slot: m['slot'] as number,
    ...timing,
    device: str(m, 'device')!,
    tags,
  };
}
