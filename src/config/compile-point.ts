// One entry of a profile's `points:` → PointDef: defaults filled in, the size the user
// wrote ("2 bytes") checked against the type, sizes converted to registers.
import type { DataType, PointDef, ReadFunction } from '../domain/point.js';
import { DEFAULT_FUNCTION, DEFAULT_ORDER } from './defaults.js';
import type { YamlPath } from './errors.js';
import { asMap, has, int, intIn, num, oneOf, str } from './raw.js';
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

const DATA_TYPES: readonly DataType[] = [...Object.keys(NATURAL_REGISTERS), 'string'] as DataType[];
const INTEGER_TYPES = new Set<DataType>(['int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'bcd16', 'bcd32']);

export function compilePoint(raw: unknown, defaultSlave: number, at: YamlPath, sink: IssueSink): PointDef | null {
  const m = asMap(raw);
  const name = str(m, 'name');
  const address = intIn(m, 'address', 0, 65535);
  const fn = (m['function'] === undefined ? DEFAULT_FUNCTION : oneOf(m, 'function', [1, 2, 3, 4] as const)) as
    ReadFunction | undefined;
  const slave = m['slave'] === undefined ? defaultSlave : intIn(m, 'slave', 1, 247);
  const rawType = m['type'] === 'bcd' ? 'bcd16' : m['type']; // `bcd` is the common 16-bit case
  const type = DATA_TYPES.includes(rawType as DataType) ? (rawType as DataType) : undefined;
  if (name === undefined || address === undefined || fn === undefined || slave === undefined || type === undefined)
    return null;

  const registers = pointRegisters(m, type, fn, at, sink);
  const bit = pointBit(m, type, fn, at, sink);
  if (registers === null || bit === null) return null;

  const scale = num(m, 'scale') ?? 1;
  if (scale === 0) sink.add([...at, 'scale'], 'must not be 0');
  const offset = num(m, 'offset') ?? 0;
  if ((has(m, 'scale') || has(m, 'offset') || has(m, 'decimals')) && (type === 'bool' || type === 'string')) {
    sink.add(at, `scale, offset and decimals do not apply to type ${type}`);
  }
  const decimals = int(m, 'decimals') ?? defaultDecimals(type, scale, offset);
  const unit = str(m, 'unit');
  const description = str(m, 'description');

  const point: PointDef = {
    name,
    slave,
    fn,
    address,
    type,
    order: oneOf(m, 'order', ['ABCD', 'CDAB', 'BADC', 'DCBA'] as const) ?? DEFAULT_ORDER,
    registers,
    scale,
    offset,
    ...(bit !== undefined ? { bit } : {}),
    ...(decimals !== undefined ? { decimals } : {}),
    ...(unit !== undefined ? { unit } : {}),
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
  m: Record<string, unknown>,
  type: DataType,
  fn: ReadFunction,
  at: YamlPath,
  sink: IssueSink,
): number | null {
  const sizeBytes = parseByteSize(m['size']);
  const registersGiven = int(m, 'registers');
  if (fn === 1 || fn === 2) {
    if (type !== 'bool') {
      sink.add([...at, 'type'], `function ${fn} reads single bits; only type bool is allowed`);
      return null;
    }
    if (has(m, 'size') || has(m, 'registers'))
      sink.add(at, `function ${fn} reads single bits; size and registers do not apply`);
    return 1;
  }
  if (has(m, 'size') && has(m, 'registers')) {
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
  m: Record<string, unknown>,
  type: DataType,
  fn: ReadFunction,
  at: YamlPath,
  sink: IssueSink,
): number | undefined | null {
  const bit = intIn(m, 'bit', 0, 15);
  const registerBool = type === 'bool' && (fn === 3 || fn === 4);
  if (has(m, 'bit') && !registerBool) {
    sink.add(
      [...at, 'bit'],
      type === 'bool' ? `function ${fn} reads single bits; bit does not apply` : 'only applies to type bool',
    );
    return null;
  }
  if (registerBool && !has(m, 'bit')) {
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

function fractionDigits(n: number): number {
  const [mantissa = '', exponent = '0'] = Math.abs(n).toString().split('e');
  const fraction = mantissa.split('.')[1]?.length ?? 0;
  return Math.max(0, Math.min(15, fraction - Number(exponent)));
}
