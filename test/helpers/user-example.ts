// The user's nine example points (SPEC.md) with known register values and what they must
// decode to: shared by every path that polls the example profile (DTUs, Modbus TCP, RTU over TCP).

export interface RegisterWriter {
  setRegisters(slave: number, fn: number, address: number, values: readonly number[]): void;
}

/** Known register values for the user's nine points (slave 1, fc 03). */
export function pinUserValues(sim: RegisterWriter): void {
  sim.setRegisters(1, 3, 2000, [253]); // temperature 25.3 °C (int16 × 0.1)
  sim.setRegisters(1, 3, 2010, [0x4262, 0x0000]); // humidity 56.5 (float32 ABCD)
  sim.setRegisters(1, 3, 2020, [0xfb2e]); // pressure -12.34 (int16 × 0.01)
  sim.setRegisters(1, 3, 2030, [0x414c, 0x0000]); // flow_rate 12.75
  sim.setRegisters(1, 3, 2040, [0x8001]); // status word: bits 15 and 0, -32767 as int16
  sim.setRegisters(1, 3, 2200, [2301]); // voltage 230.1 V
  sim.setRegisters(1, 3, 2202, [0xf9f2]); // current -15.5 A (int16 × 0.01: every 2-byte int is signed)
  sim.setRegisters(1, 3, 2300, [1480]); // rpm 1480
  sim.setRegisters(1, 3, 2400, [500]); // frequency 50.0 Hz
}

export const USER_EXPECTED: Record<string, { value: number; raw: string }> = {
  temperature: { value: 25.3, raw: '00fd' },
  humidity: { value: 56.5, raw: '42620000' },
  pressure: { value: -12.34, raw: 'fb2e' },
  flow_rate: { value: 12.75, raw: '414c0000' },
  status: { value: -32767, raw: '8001' },
  voltage: { value: 230.1, raw: '08fd' },
  current: { value: -15.5, raw: 'f9f2' },
  rpm: { value: 1480, raw: '05c8' },
  frequency: { value: 50, raw: '01f4' },
};

/** Points polled on heartbeats only: a link without heartbeats never reads them. */
export const HEARTBEAT_POINTS: ReadonlySet<string> = new Set(['rpm']);
