// The 50 bench points decoded the way a modbus-serial user writes it by hand: Buffer
// reads at fixed offsets. It builds the same Sample records dtuhub does (value, raw hex,
// timestamp), so both sides of the peer comparison do the same decoding work; the runner
// checks that both agree on a real response before it measures.
import type { Sample } from '../src/domain/point.js';
import { BENCH_POINTS, SLAVE, TASK_ADDRESS } from './bench-config.js';

const scratch = Buffer.alloc(4);

/** `registers`: the data bytes of a read of TASK_QUANTITY registers from TASK_ADDRESS. */
export function decodeBenchPoints(deviceId: string, registers: Buffer, at: number): Sample[] {
  const samples: Sample[] = new Array(BENCH_POINTS.length);
  for (let i = 0; i < BENCH_POINTS.length; i++) {
    const point = BENCH_POINTS[i]!;
    const offset = 2 * (point.address - TASK_ADDRESS);
    let value: number;
    let width = 4;
    switch (point.type) {
      case 'int16':
        width = 2;
        // scale 0.1: dividing the integer by 10 gives the decimal literal (25.3, not 25.299999999999997).
        value = registers.readInt16BE(offset) / 10;
        break;
      case 'uint16':
        width = 2;
        value = registers.readUInt16BE(offset);
        break;
      case 'uint32':
        value = registers.readUInt32BE(offset);
        break;
      case 'float32':
        if (point.order === 'CDAB') {
          registers.copy(scratch, 0, offset + 2, offset + 4);
          registers.copy(scratch, 2, offset, offset + 2);
          value = scratch.readFloatBE(0);
        } else {
          value = registers.readFloatBE(offset);
        }
        break;
    }
    samples[i] = {
      deviceId,
      point: point.name,
      slave: SLAVE,
      address: point.address,
      value,
      text: null,
      raw: registers.toString('hex', offset, offset + width),
      ts: at,
      quality: 'good',
    };
  }
  return samples;
}
