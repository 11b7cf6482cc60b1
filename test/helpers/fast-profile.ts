// A profile that polls ten uint16 registers every 200 ms: a steady stream of points for the
// storage fault tests. A DTU numbered n serves n * 100 + register, so every stored value can
// be checked against its device and point name.
type Patch = (doc: Record<string, any>) => void;

export const FAST_PROFILE = 'fast';

export const fastProfile: Patch = (p) => {
  p.profiles[FAST_PROFILE] = {
    timing: { responseTimeout: '1s', retries: 0, interRequestDelay: '0ms' },
    slaves: [{ id: 1, name: 'main' }],
    pollOnConnect: true,
    tasks: [{ name: 'block', slave: 1, address: 0, quantity: 10, every: '200ms' }],
    points: Array.from({ length: 10 }, (_, i) => ({ name: `p${i}`, slave: 1, address: i, type: 'uint16' })),
  };
  p.devices = [{ default: FAST_PROFILE }];
};

/** The registers DTU number `n` serves. */
export function fastRegisters(n: number): number[] {
  return Array.from({ length: 10 }, (_, r) => n * 100 + r);
}
