// A plausible, deterministic signal for each point, chosen from its name, unit and type,
// so a dashboard fed by the simulator looks like a plant rather than a column of zeros.
//
// Process values move on the scale of hours (the day's weather, the plant's load), not
// minutes, and a transmitter's noise is a small share of its reading: a simulated fleet
// polled every 30 s should look to store by exception as a real one does. Each signal is
// a slow sine plus per-second noise of NOISE_OF_READING (an accuracy class of 0.1).
import type { PointDef } from '../domain/point.js';
import { mix, unitFloat } from './seeded.js';

export type Waveform =
  | { readonly kind: 'sine'; readonly base: number; readonly amplitude: number; readonly periodMs: number }
  | { readonly kind: 'counter'; readonly base: number; readonly perSecond: number; readonly wrap: number }
  | { readonly kind: 'steps'; readonly values: readonly number[]; readonly stepMs: number }
  | { readonly kind: 'toggle'; readonly periodMs: number }
  | { readonly kind: 'text' };

const HOUR = 3_600_000;
/** Noise, either way, as a share of the signal's base reading. */
const NOISE_OF_READING = 0.001;

interface Rule {
  readonly names: RegExp;
  readonly units: readonly string[];
  readonly wave: (unit: string) => Waveform;
}

const sine = (base: number, amplitude: number, hours: number): Waveform => ({
  kind: 'sine',
  base,
  amplitude,
  periodMs: hours * HOUR,
});

/** Temperature and humidity follow the day. */
const DAY_HOURS = 24;

// First match wins; a unit match is as good as a name match.
const RULES: readonly Rule[] = [
  {
    names: /temp/,
    units: ['°c', '℃', 'c', 'degc', '°f'],
    wave: (u) => (u === '°f' ? sine(77, 9, DAY_HOURS) : sine(25, 5, DAY_HOURS)),
  },
  { names: /humid|\brh\b/, units: ['%rh', 'rh'], wave: () => sine(55, 15, DAY_HOURS) },
  {
    names: /press/,
    units: ['bar', 'kpa', 'mpa', 'psi', 'pa', 'mbar'],
    wave: (u) =>
      u === 'kpa'
        ? sine(101.3, 2, 12)
        : u === 'mpa'
          ? sine(0.45, 0.05, 12)
          : u === 'psi'
            ? sine(14.7, 1, 12)
            : sine(1.2, 0.2, 12),
  },
  { names: /volt/, units: ['v', 'kv'], wave: (u) => (u === 'kv' ? sine(10, 0.3, 7) : sine(230, 5, 7)) },
  { names: /curr|amp/, units: ['a', 'ma'], wave: (u) => (u === 'ma' ? sine(12, 8, 5) : sine(15, 5, 5)) },
  { names: /flow/, units: ['m3/h', 'm³/h', 'l/min', 'l/s', 't/h'], wave: () => sine(12, 4, 8) },
  { names: /rpm|speed/, units: ['rpm', 'r/min'], wave: () => sine(1500, 100, 6) },
  { names: /freq/, units: ['hz'], wave: () => sine(50, 0.2, 3) },
  {
    names: /energy|total|count|pulse/,
    units: ['kwh', 'mwh', 'wh', 'm3', 'm³'],
    wave: () => ({ kind: 'counter', base: 1000, perSecond: 0.05, wrap: 9000 }),
  },
  {
    names: /power/,
    units: ['kw', 'w', 'kva', 'kvar'],
    wave: (u) => (u === 'w' ? sine(4500, 1500, 9) : sine(45, 15, 9)),
  },
  {
    names: /status|state|mode|alarm|fault/,
    units: [],
    wave: () => ({ kind: 'steps', values: [0, 1, 2, 1], stepMs: HOUR }),
  },
  { names: /level/, units: ['%', 'm', 'mm'], wave: () => sine(50, 30, 20) },
];

/** The waveform for a point; the same point always gets the same kind of signal. */
export function waveformFor(point: PointDef): Waveform {
  if (point.type === 'string') return { kind: 'text' };
  if (point.type === 'bool' || point.fn === 1 || point.fn === 2) return { kind: 'toggle', periodMs: HOUR };
  const name = point.name.toLowerCase();
  const unit = (point.unit ?? '').trim().toLowerCase();
  for (const rule of RULES) {
    if (rule.names.test(name) || (unit !== '' && rule.units.includes(unit))) return rule.wave(unit);
  }
  return sine(100, 50, 10);
}

/**
 * The signal's value at `atMs` for one device. `variant` (a hash of device seed and point)
 * shifts the phase so devices do not move in lockstep, and adds a little per-second noise.
 */
export function sampleWaveform(wave: Waveform, atMs: number, variant: number, text: string): number | boolean | string {
  const phase = unitFloat(variant);
  switch (wave.kind) {
    case 'sine': {
      const angle = (2 * Math.PI * atMs) / wave.periodMs + 2 * Math.PI * phase;
      const noise = (unitFloat(mix(variant, Math.floor(atMs / 1000))) * 2 - 1) * Math.abs(wave.base) * NOISE_OF_READING;
      return wave.base + wave.amplitude * Math.sin(angle) + noise;
    }
    case 'counter':
      return wave.base + (((atMs / 1000) * wave.perSecond + phase * wave.wrap) % wave.wrap);
    case 'steps': {
      const index = Math.floor(atMs / wave.stepMs + phase * wave.values.length) % wave.values.length;
      return wave.values[index] ?? 0;
    }
    case 'toggle':
      return Math.floor(atMs / (wave.periodMs / 2) + phase * 2) % 2 === 1;
    case 'text':
      return text;
  }
}
