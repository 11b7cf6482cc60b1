// DL/T 645 meters in a profile: a slave's `protocol` and `meterAddress`, and points that
// name a data identifier from the codec's catalogue instead of a register. Every mix that
// cannot work is reported at the field that causes it.
import type { MeterConfig } from '../domain/config.js';
import type { HistoryPolicy } from '../domain/history-policy.js';
import type { PointDef } from '../domain/point.js';
import { DLT645_IDENTIFIERS, identifierByName, parseMeterAddress, WILDCARD_ADDRESS } from '../protocol/dlt645/index.js';
import { compileDescription } from './compile-description.js';
import { compileHistory, pointHistory } from './compile-history.js';
import { fractionDigits } from './compile-point.js';
import type { YamlPath } from './errors.js';
import type { PointYaml, ProfileYaml } from './schema/points.schema.js';
import type { IssueSink } from './yaml-source.js';

type SlaveYaml = ProfileYaml['slaves'][number];

/** The value of `meterAddress` that asks the meter for its address (2007 read-address). */
export const DISCOVER = 'discover';

/** The slave's meter, undefined for a Modbus slave, null after reporting a problem. */
export function compileMeter(s: SlaveYaml, at: YamlPath, sink: IssueSink): MeterConfig | undefined | null {
  const protocol = s.protocol ?? 'modbus';
  if (protocol === 'modbus') {
    if (s.meterAddress !== undefined)
      sink.add([...at, 'meterAddress'], 'only for a DL/T 645 meter (protocol: dlt645-2007 or dlt645-1997)');
    return undefined;
  }
  const version = protocol === 'dlt645-2007' ? '2007' : '1997';
  if (s.meterAddress === undefined) {
    sink.add(at, `a DL/T 645 meter needs meterAddress: its 12 digits as printed on the meter, or ${DISCOVER}`);
    return null;
  }
  // YAML reads an unquoted 000012345678 as the number 12345678: the missing zeros are padding.
  const text = String(s.meterAddress).trim();
  if (text.toLowerCase() === DISCOVER) {
    if (version === '2007') return { version, address: null };
    sink.add([...at, 'meterAddress'], `${DISCOVER} needs DL/T 645-2007: the 1997 edition has no read-address command`);
    return null;
  }
  const parsed = parseMeterAddress(text);
  if (!parsed.ok || parsed.address === WILDCARD_ADDRESS) {
    sink.add(
      [...at, 'meterAddress'],
      `"${text}" is not a meter address: give up to 12 decimal digits as printed on the meter, or ${DISCOVER}`,
    );
    return null;
  }
  return { version, address: parsed.address };
}

/** Two meters with one address, or `discover` beside another meter, cannot be told apart. */
export function checkMeters(
  slaves: readonly { id: number; meter?: MeterConfig }[],
  at: YamlPath,
  sink: IssueSink,
): void {
  const meters = slaves.filter((s) => s.meter);
  const seen = new Map<string, number>();
  meters.forEach((s) => {
    const i = slaves.indexOf(s);
    const { address } = s.meter!;
    if (address === null && meters.length > 1) {
      sink.add(
        [...at, i, 'meterAddress'],
        `${DISCOVER} only works for a meter alone on the bus (every meter answers the read-address broadcast); ` +
          'give each meter its address',
      );
    }
    // '': an address already reported as wrong.
    if (address === null || address === '') return;
    const first = seen.get(address);
    if (first !== undefined) sink.add([...at, i, 'meterAddress'], `slave ${first} has the same meter address`);
    else seen.set(address, s.id);
  });
}

/** Keys that describe a register and mean nothing for a meter's identifier. */
const REGISTER_KEYS = ['function', 'address', 'type', 'order', 'size', 'registers', 'bit', 'min', 'max'] as const;

/**
 * A point of a meter slave. `meter` is the slave's meter, or undefined when the point
 * names an identifier on a Modbus slave (reported).
 */
export function compileMeterPoint(
  p: PointYaml,
  slave: number,
  meter: MeterConfig | undefined,
  profileHistory: HistoryPolicy,
  at: YamlPath,
  sink: IssueSink,
): PointDef | null {
  const written = (key: keyof PointYaml): boolean => sink.written([...at, key]);
  if (!meter) {
    sink.add(
      [...at, 'identifier'],
      `slave ${slave} is a Modbus slave; identifier is for DL/T 645 meters (protocol: dlt645-2007 or dlt645-1997)`,
    );
    return null;
  }
  if (p.identifier === undefined) {
    if (!written('identifier'))
      sink.add(at, `slave ${slave} is a DL/T 645 meter: name the value with identifier (e.g. energy.active.forward)`);
    return null;
  }
  let ok = true;
  for (const key of REGISTER_KEYS) {
    if (!written(key)) continue;
    sink.add([...at, key], 'does not apply to a DL/T 645 meter point (it reads its identifier)');
    ok = false;
  }
  const id = identifierByName(meter.version, p.identifier);
  if (!id) {
    const known = [...DLT645_IDENTIFIERS[meter.version].keys()].join(', ');
    sink.add([...at, 'identifier'], `unknown DL/T 645-${meter.version} identifier "${p.identifier}"; known: ${known}`);
    return null;
  }
  const number = id.kind === 'number';
  if (!number && (written('scale') || written('offset') || written('decimals'))) {
    sink.add(at, `scale, offset and decimals do not apply to ${id.name} (a ${id.kind}, read as text)`);
    ok = false;
  }
  if (p.scale === 0) {
    sink.add([...at, 'scale'], 'must not be 0');
    ok = false;
  }
  if (!ok) return null;
  const type = number ? 'float64' : 'string';
  const description =
    p.description === undefined ? undefined : compileDescription(p.description, [...at, 'description'], sink);
  const own = p.history === undefined ? null : compileHistory(p.history, [...at, 'history'], sink);
  const decimals = number
    ? (p.decimals ?? Math.min(15, id.decimals + Math.max(fractionDigits(p.scale), fractionDigits(p.offset))))
    : undefined;
  const unit = p.unit ?? id.unit ?? undefined;
  return {
    name: p.name,
    slave,
    fn: 3,
    address: id.di,
    type,
    order: 'ABCD',
    registers: 0,
    scale: p.scale,
    offset: p.offset,
    history: pointHistory(own, profileHistory, type),
    identifier: {
      name: id.name,
      di: id.di,
      kind: id.kind,
      length: id.length,
      decimals: id.decimals,
      signed: id.signed,
    },
    ...(decimals !== undefined ? { decimals } : {}),
    ...(unit !== undefined ? { unit } : {}),
    ...(description !== undefined ? { description } : {}),
  };
}
