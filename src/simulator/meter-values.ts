// Plausible readings of a simulated three-phase meter, from the catalogue's identifiers:
// about 220 V and a few amperes per phase, powers that agree with them, 50 Hz, a power
// factor near 0.95, energy that grows with time, and the meter's clock. Deterministic in
// the address and the time, so a test can say what a meter answered.
import { DLT645_IDENTIFIERS, type Dlt645Identifier, type Dlt645Version } from '../protocol/dlt645/index.js';
import { hashSeed, unitFloat } from './seeded.js';

const PHASE = { a: 0, b: 1, c: 2 } as const;

export function meterIdentifier(version: Dlt645Version, di: number): Dlt645Identifier | undefined {
  for (const entry of DLT645_IDENTIFIERS[version].values()) if (entry.di === di) return entry;
  return undefined;
}

/** The reading of `id` at `atMs`, rounded as the identifier's format carries it. */
export function meterReading(address: string, id: Dlt645Identifier, atMs: number): number | string {
  const when = new Date(atMs);
  if (id.kind === 'date') return when.toISOString().slice(0, 10);
  if (id.kind === 'time') return when.toISOString().slice(11, 19);
  const raw = rawReading(address, id.name, atMs / 1000);
  const factor = 10 ** id.decimals;
  // A register rolls over at its digits, as a meter's does (the top bit is the sign where signed).
  const limit = 10 ** (2 * id.length - (id.signed ? 1 : 0));
  return (Math.round(raw * factor) % limit) / factor;
}

function rawReading(address: string, name: string, t: number): number {
  const own = unitFloat(hashSeed(address));
  const [quantity, ...rest] = name.split('.');
  const last = rest[rest.length - 1] as keyof typeof PHASE | undefined;
  const phases = last !== undefined && last in PHASE ? [PHASE[last]] : [0, 1, 2];
  const volts = (k: number): number => 220 + 4 * Math.sin(t / 37 + k * 2.1 + own * 6);
  const amps = (k: number): number => 3 + 10 * own + 1.5 * Math.sin(t / 23 + k * 2.1);
  const sum = (f: (k: number) => number): number => phases.reduce((total, k) => total + f(k), 0);
  switch (quantity) {
    case 'voltage':
      return volts(phases[0]!);
    case 'current':
      return amps(phases[0]!);
    case 'frequency':
      return 50 + 0.03 * Math.sin(t / 11);
    case 'power': {
      const kind = rest[0];
      if (kind === 'factor') return 0.95;
      const apparent = sum((k) => (volts(k) * amps(k)) / 1000);
      return kind === 'active' ? apparent * 0.95 : kind === 'reactive' ? apparent * 0.31 : apparent;
    }
    case 'energy': {
      // kWh since "installation": a base per meter plus the power drawn since.
      // Counted from a day in the recent past, so the register is far from rolling over.
      const forward = 10_000 * (1 + own) + ((t % 10_000_000) / 3600) * 3.3;
      if (name.endsWith('reverse')) return 12.5 + own;
      if (name.endsWith('combined')) return forward - 12.5 - own;
      const tariff = /tariff(\d)$/.exec(name);
      return tariff ? forward / 4 : forward;
    }
    default:
      return 0;
  }
}
