import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it, expect } from 'vitest';
import {
  BENCH_POINTS,
  benchDtuId,
  PROFILE_NAME,
  SLAVE,
  TASK_ADDRESS,
  TASK_QUANTITY,
  writeBenchConfig,
} from '../../../bench/bench-config.js';
import { decodeBenchPoints } from '../../../bench/peer-decode.js';
import { loadConfig } from '../../../src/config/load.js';
import { decodeBlock } from '../../../src/polling/block-decoder.js';
import { encodeRegistersResponse } from '../../../src/protocol/modbus/reply.js';
import { RegisterModel } from '../../../src/simulator/index.js';

const dir = mkdtempSync(join(tmpdir(), 'dtuhub-bench-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the benchmark configuration and the peer decoder', () => {
  writeBenchConfig(dir, {
    dbPath: join(dir, 'bench.db'),
    pollEveryMs: 1000,
    connectStaggerMs: 1000,
    heartbeatIntervalMs: 60_000,
    maxConnections: 10,
    writeBuffer: { maxRows: 5000, flushIntervalMs: 200 },
    logLevel: 'silent',
  });
  const profile = loadConfig(dir).points.profiles.get(PROFILE_NAME)!;

  it('compiles to one read of 100 holding registers carrying all 50 points', () => {
    expect(profile.tasks).toHaveLength(1);
    const blocks = profile.tasks[0]!.blocks;
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toMatchObject({ slave: SLAVE, fn: 3, address: TASK_ADDRESS, quantity: TASK_QUANTITY });
    expect(blocks[0]!.points.map((p) => p.name)).toEqual(BENCH_POINTS.map((p) => p.name));
    expect(new Set(BENCH_POINTS.map((p) => `${p.type}/${p.order}`))).toEqual(
      new Set(['int16/ABCD', 'uint16/ABCD', 'float32/ABCD', 'float32/CDAB', 'uint32/ABCD']),
    );
  });

  it('decodes simulated responses exactly as dtuhub does, value and raw hex', () => {
    const block = profile.tasks[0]!.blocks[0]!;
    for (let i = 0; i < 20; i++) {
      const id = benchDtuId(i);
      const at = Date.UTC(2025, 0, 1) + i * 60_013;
      const response = encodeRegistersResponse(
        SLAVE,
        3,
        new RegisterModel(profile, id, id).registers(SLAVE, 3, TASK_ADDRESS, TASK_QUANTITY, at),
      );
      const ours = decodeBlock(id, block, response, 3, at).samples;
      const peer = decodeBenchPoints(id, response.subarray(3, 3 + 2 * TASK_QUANTITY), at);
      expect(peer).toEqual(ours);
    }
  });
});
