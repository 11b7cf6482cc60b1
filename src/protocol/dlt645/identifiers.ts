// The data identifiers a gateway reads from a meter day to day, by a name that means the
// same in both editions (points.yml will name them). Formats from the data coding tables
// of DL/T 645-2007 (Appendix A: energy, variables, parameters) and DL/T 645-1997. Lengths are bytes in the answer after the identifier; `decimals` is where the
// standard puts the point (XXX.X → 1); `signed` where it puts a sign in the top bit.

import type { Dlt645Version } from './control.js';

export type Dlt645ValueKind =
  /** A BCD number. */
  | 'number'
  /** YYMMDDWW: date and weekday (0 = Sunday), decoded to YYYY-MM-DD. */
  | 'date'
  /** hhmmss, decoded to hh:mm:ss. */
  | 'time';

export interface Dlt645Identifier {
  readonly name: string;
  readonly version: Dlt645Version;
  /** DI3..DI0 (2007) or DI1 DI0 (1997) as one number, e.g. 0x00010000, 0x9010. */
  readonly di: number;
  readonly kind: Dlt645ValueKind;
  readonly length: number;
  readonly decimals: number;
  readonly signed: boolean;
  readonly unit: string | null;
}

type Row = readonly [name: string, di: number, length: number, decimals: number, signed: boolean, unit: string | null];

const PHASES = ['a', 'b', 'c'] as const;

/** Total then phases A, B, C: DI1 is 00 for the total and 01..03 for the phases. */
function totalAndPhases(name: string, base: number, length: number, decimals: number, signed: boolean, unit: string) {
  const rows: Row[] = [[name, base, length, decimals, signed, unit]];
  PHASES.forEach((phase, i) => rows.push([`${name}.${phase}`, base + ((i + 1) << 8), length, decimals, signed, unit]));
  return rows;
}

const ROWS_2007: readonly Row[] = [
  // Combined active = forward ± reverse as the meter's combination word says, so it can
  // be negative; the standard gives it the sign bit, the one-direction totals none.
  ['energy.active.combined', 0x00000000, 4, 2, true, 'kWh'],
  ['energy.active.forward', 0x00010000, 4, 2, false, 'kWh'],
  ...[1, 2, 3, 4].map((t): Row => [`energy.active.forward.tariff${t}`, 0x00010000 + (t << 8), 4, 2, false, 'kWh']),
  ['energy.active.reverse', 0x00020000, 4, 2, false, 'kWh'],
  ...PHASES.map((phase, i): Row => [`voltage.${phase}`, 0x02010000 + ((i + 1) << 8), 2, 1, false, 'V']),
  ...PHASES.map((phase, i): Row => [`current.${phase}`, 0x02020000 + ((i + 1) << 8), 3, 3, true, 'A']),
  ...totalAndPhases('power.active', 0x02030000, 3, 4, true, 'kW'),
  ...totalAndPhases('power.reactive', 0x02040000, 3, 4, true, 'kvar'),
  ...totalAndPhases('power.apparent', 0x02050000, 3, 4, true, 'kVA'),
  ...totalAndPhases('power.factor', 0x02060000, 2, 3, true, ''),
  ['frequency', 0x02800002, 2, 2, false, 'Hz'],
];

// The 1997 edition has no sign bits and coarser voltage and current.
const ROWS_1997: readonly Row[] = [
  ['energy.active.forward', 0x9010, 4, 2, false, 'kWh'],
  ...[1, 2, 3, 4].map((t): Row => [`energy.active.forward.tariff${t}`, 0x9010 + t, 4, 2, false, 'kWh']),
  ['energy.active.reverse', 0x9020, 4, 2, false, 'kWh'],
  ...PHASES.map((phase, i): Row => [`voltage.${phase}`, 0xb611 + i, 2, 0, false, 'V']),
  ...PHASES.map((phase, i): Row => [`current.${phase}`, 0xb621 + i, 2, 2, false, 'A']),
  ['power.active', 0xb630, 3, 4, false, 'kW'],
  ...PHASES.map((phase, i): Row => [`power.active.${phase}`, 0xb631 + i, 3, 4, false, 'kW']),
  ['power.reactive', 0xb640, 2, 2, false, 'kvar'],
  ...PHASES.map((phase, i): Row => [`power.reactive.${phase}`, 0xb641 + i, 2, 2, false, 'kvar']),
  ['power.factor', 0xb650, 2, 3, false, ''],
  ...PHASES.map((phase, i): Row => [`power.factor.${phase}`, 0xb651 + i, 2, 3, false, '']),
];

const CLOCK: Record<Dlt645Version, { date: number; time: number }> = {
  '2007': { date: 0x04000101, time: 0x04000102 },
  '1997': { date: 0xc010, time: 0xc011 },
};

function build(version: Dlt645Version, rows: readonly Row[]): ReadonlyMap<string, Dlt645Identifier> {
  const all: Dlt645Identifier[] = rows.map(([name, di, length, decimals, signed, unit]) => ({
    name,
    version,
    di,
    kind: 'number',
    length,
    decimals,
    signed,
    unit: unit === '' ? null : unit,
  }));
  const clock = CLOCK[version];
  all.push({ name: 'date', version, di: clock.date, kind: 'date', length: 4, decimals: 0, signed: false, unit: null });
  all.push({ name: 'time', version, di: clock.time, kind: 'time', length: 3, decimals: 0, signed: false, unit: null });
  return new Map(all.map((entry) => [entry.name, Object.freeze(entry)]));
}

/** Every catalogued identifier, per edition, by name. */
export const DLT645_IDENTIFIERS: Readonly<Record<Dlt645Version, ReadonlyMap<string, Dlt645Identifier>>> = {
  '2007': build('2007', ROWS_2007),
  '1997': build('1997', ROWS_1997),
};

export function identifierByName(version: Dlt645Version, name: string): Dlt645Identifier | undefined {
  return DLT645_IDENTIFIERS[version].get(name);
}

export function identifierByCode(version: Dlt645Version, di: number): Dlt645Identifier | undefined {
  for (const entry of DLT645_IDENTIFIERS[version].values()) if (entry.di === di) return entry;
  return undefined;
}

/** The identifier as the standard prints it: 8 hex digits (2007) or 4 (1997). */
export function formatIdentifier(version: Dlt645Version, di: number): string {
  return di
    .toString(16)
    .toUpperCase()
    .padStart(version === '2007' ? 8 : 4, '0');
}
