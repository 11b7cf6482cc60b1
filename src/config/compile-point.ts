// One entry of a profile's `points:` → PointDef: the size the user wrote ("2 bytes")
// checked against the type, sizes converted to registers, decimals derived from the scale.
import type { HistoryPolicy } from '../domain/history-policy.js';
import type { DataType, PointDef, ReadFunction } from '../domain/point.js';
import { compileDescription } from './compile-description.js';
import { compileHistory, pointHistory } from './compile-history.js';
import type { YamlPath } from './errors.js';
import type { PointYaml } from './schema/points.schema.js';
import { parseByteSize } from './units.js';
import type { IssueSink } from './yaml-source.js';

/** Registers each type occupies; `string` has no natural size (its size sets the length). */
const NATURAL_REGISTERS: Record<Exclude<DataType, 'string'>, number> = {
  bool: 1,
  int16: 1,
  uint16: 1,
  bcd16: 1,
  int32: 2,
  uint32: 2,
  float32: 2,
  bcd32: 2,
  int64: 4,
  uint64: 4,
  float64: 4,
};

const INTEGER_TYPES = new Set<DataType>(['int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'bcd16', 'bcd32']);

/** `p` passed the schema; a point whose `function` was rejected never gets here. */
export function compilePoint(
  p: PointYaml,
  profile: { readonly defaultSlave: number; readonly history: HistoryPolicy },
  at: YamlPath,
  sink: IssueSink,
): PointDef | null {
  // "Written" rather than "has a value": a value the schema rejected was dropped, yet the
  // user still gave the key, and the checks below are about what the user gave.
  const written = (key: keyof PointYaml): boolean => sink.written([...at, key]);
  // Without its slave or its size the point would be a guess.
  if ((written('slave') && p.slave === undefined) || (written('registers') && p.registers === undefined)) return null;
  const { name, address, scale, offset } = p;
  // The schema requires both of a point without `identifier` (a meter point goes elsewhere).
  if (address === undefined || p.type === undefined) return null;
  const fn = p.function;
  const slave = p.slave ?? profile.defaultSlave;
  const type: DataType = p.type === 'bcd' ? 'bcd16' : p.type; // `bcd` is the common 16-bit case

  const registers = pointRegisters(p, written, type, fn, at, sink);
  const bit = pointBit(p, written, type, fn, at, sink);
  if (registers === null || bit === null) return null;

  if (scale === 0) sink.add([...at, 'scale'], 'must not be 0');
  if ((written('scale') || written('offset') || written('decimals')) && (type === 'bool' || type === 'string')) {
    sink.add(at, `scale, offset and decimals do not apply to type ${type}`);
  }
  const decimals = p.decimals ?? defaultDecimals(type, scale, offset);
  const { unit } = p;
  const description =
    p.description === undefined ? undefined : compileDescription(p.description, [...at, 'description'], sink);
  if (p.min !== undefined && p.max !== undefined && p.min > p.max)
    sink.add([...at, 'min'], `must not exceed max (${p.max})`);
  const own = p.history === undefined ? null : compileHistory(p.history, [...at, 'history'], sink);

  const point: PointDef = {
    name,
    slave,
    fn,
    address,
    type,
    order: p.order,
    registers,
    scale,
    offset,
    history: pointHistory(own, profile.history, type),
    ...(bit !== undefined ? { bit } : {}),
    ...(decimals !== undefined ? { decimals } : {}),
    ...(unit !== undefined ? { unit } : {}),
    ...(p.min !== undefined ? { min: p.min } : {}),
    ...(p.max !== undefined ? { max: p.max } : {}),
    ...(description !== undefined ? { description } : {}),
  };
  const end = address + (fn === 1 || fn === 2 ? 1 : registers);
  if (end > 65536) {
    sink.add([...at, 'address'], `ends at ${end - 1}, past the last address 65535`);
    return null;
  }
  return point;
}

/** Registers (or 1 bit) the point occupies; null after reporting a size problem. */
function pointRegisters(
  p: PointYaml,
  written: (key: keyof PointYaml) => boolean,
  type: DataType,
  fn: ReadFunction,
  at: YamlPath,
  sink: IssueSink,
): number | null {
  const sizeBytes = p.size === undefined ? null : parseByteSize(p.size);
  const registersGiven = p.registers;
  if (fn === 1 || fn === 2) {
    if (type !== 'bool') {
      sink.add([...at, 'type'], `function ${fn} reads single bits; only type bool is allowed`);
      return null;
    }
    if (written('size') || written('registers'))
      sink.add(at, `function ${fn} reads single bits; size and registers do not apply`);
    return 1;
  }
  if (written('size') && written('registers')) {
    sink.add(at, 'give either size or registers, not both');
    return null;
  }
  let registers: number | undefined = registersGiven;
  if (sizeBytes !== null) {
    if (sizeBytes === 0 || sizeBytes % 2 !== 0) {
      sink.add([...at, 'size'], `${sizeBytes} bytes is not a whole number of 16-bit registers`);
      return null;
    }
    registers = sizeBytes / 2;
  }
  const sizeKey = sizeBytes !== null ? 'size' : 'registers';
  if (type === 'string') {
    if (registers === undefined) {
      sink.add(at, 'a string point needs its length: size: "N bytes" or registers: N');
      return null;
    }
    if (registers > 125) {
      sink.add([...at, sizeKey], 'a string may be at most 250 bytes (125 registers, one read)');
      return null;
    }
    return registers;
  }
  const natural = NATURAL_REGISTERS[type];
  if (registers !== undefined && registers !== natural) {
    const wrote = sizeBytes !== null ? `${sizeBytes} bytes` : `${registers} registers`;
    sink.add(
      [...at, sizeKey],
      `${type} is ${natural * 2} bytes (${natural} register${natural > 1 ? 's' : ''}), not ${wrote}`,
    );
    return null;
  }
  return natural;
}

/** A register bit for `bool` on fn 3/4 (required); undefined otherwise; null after an error. */
function pointBit(
  p: PointYaml,
  written: (key: keyof PointYaml) => boolean,
  type: DataType,
  fn: ReadFunction,
  at: YamlPath,
  sink: IssueSink,
): number | undefined | null {
  const { bit } = p;
  const registerBool = type === 'bool' && (fn === 3 || fn === 4);
  if (written('bit') && !registerBool) {
    sink.add(
      [...at, 'bit'],
      type === 'bool' ? `function ${fn} reads single bits; bit does not apply` : 'only applies to type bool',
    );
    return null;
  }
  if (registerBool && !written('bit')) {
    sink.add(at, 'a bool read from a register needs bit: 0..15 (0 = least significant)');
    return null;
  }
  return registerBool ? (bit ?? null) : undefined;
}

/** `scale: 0.1` on an integer implies one decimal: 253 × 0.1 is 25.3, not 25.299999999999997. */
function defaultDecimals(type: DataType, scale: number, offset: number): number | undefined {
  if (!INTEGER_TYPES.has(type)) return undefined;
  const digits = Math.max(fractionDigits(scale), fractionDigits(offset));
  return digits > 0 ? digits : undefined;
}

export function fractionDigits(n: number): number {
  const [mantissa = '', exponent = '0'] = Math.abs(n).toString().split('e');
  const fraction = mantissa.split('.')[1]?.length ?? 0;
  return Math.max(0, Math.min(15, fraction - Number(exponent)));
}
