// One side of the meters scenario (meter-scenario.ts), in a child process of its own:
// scenario 4a's harness with the bus behind each loopback DTU being either a simulated
// DL/T 645 meter (src/simulator/meter-bus.ts) or a simulated Modbus slave (RegisterModel).
// Each DTU's answers are encoded once by the simulator before the window, so the window
// holds dtuhub's side alone: polls, request encoding, the stream parser, the transaction
// queue, decoding and the bus. The only `data` listener counts samples.
//
//   node dist/bench/meter-inproc.js --config DIR   (then a `run` request over IPC)
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/load.js';
import type { DeviceProfile } from '../src/domain/config.js';
import type { DtuSession } from '../src/gateway/session.js';
import { identifierBytes } from '../src/protocol/dlt645/index.js';
import { encodeRegistersResponse } from '../src/protocol/modbus/reply.js';
import { RegisterModel } from '../src/simulator/index.js';
import { MeterBus } from '../src/simulator/meter-bus.js';
import { LINK_NAME } from './bench-config.js';
import { announceReady, serveRequests } from './child-rpc.js';
import { inprocGateway, LoopbackDtuSocket, transactionRates } from './loopback-dtu.js';
import {
  ID_PREFIX,
  PROFILE_OF,
  type MeterArmArgs,
  type MeterArmResult,
  type MeterBenchProtocol,
} from './meter-bench.js';
import { processWindow, sampleProcess } from './process-sample.js';

/** An answer per request, looked up by the bytes that tell the requests of one DTU apart. */
type Answers = ReadonlyMap<number, Buffer>;

/** The key of a request: a Modbus read's start address, or a DL/T 645 read's masked identifier. */
function requestKey(protocol: MeterBenchProtocol, request: Uint8Array): number {
  const view = Buffer.from(request.buffer, request.byteOffset, request.length);
  // DL/T 645-2007 read: … DI0 DI1 DI2 DI3 CS 16, the identifier still +33H.
  return protocol === 'dlt645' ? view.readUInt32LE(view.length - 6) : view.readUInt16BE(2);
}

/** The simulated meter's answer to every identifier the profile reads, keyed as its request will be. */
function meterAnswers(profile: DeviceProfile, at: number): Answers {
  const { meter } = profile.slaves[0]!;
  if (!meter?.address) throw new Error('the meters profile needs a meter with an address');
  const answers = new Map<number, Buffer>();
  let last: Buffer | null = null;
  const bus = new MeterBus(
    [{ address: meter.address }],
    () => ({}),
    (frame) => void (last = frame),
  );
  for (const point of profile.points) {
    const di = point.identifier!.di;
    bus.request({ address: meter.address, control: 0x11, data: Buffer.from(identifierBytes('2007', di)) }, at);
    if (!last) throw new Error(`the simulated meter does not answer ${point.identifier!.name}`);
    const masked = Buffer.from(identifierBytes('2007', di).map((b) => (b + 0x33) & 0xff));
    answers.set(masked.readUInt32LE(0), last);
    last = null;
  }
  return answers;
}

/** The simulated slave's answer to each point's read (one register pair per point). */
function modbusAnswers(profile: DeviceProfile, id: string, at: number): Answers {
  const model = new RegisterModel(profile, id, id);
  const answers = new Map<number, Buffer>();
  for (const block of profile.tasks.flatMap((t) => t.blocks)) {
    const registers = model.registers(block.slave, 3, block.address, block.quantity, at);
    answers.set(block.address, encodeRegistersResponse(block.slave, 3, registers));
  }
  return answers;
}

const { values } = parseArgs({ options: { config: { type: 'string' } } });
if (!values.config) throw new Error('--config DIR is required');
const config = loadConfig(values.config);
const link = config.points.links.get(LINK_NAME);
const listener = config.server.listeners[0];
if (!link || !listener) throw new Error('bench config lacks its link or listener');

const gateway = inprocGateway(config, link, listener.name);
const { ctx } = gateway;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function run(args: unknown): Promise<MeterArmResult> {
  const { protocol, count, warmupMs, measureMs } = args as MeterArmArgs;
  const profile = config.points.profiles.get(PROFILE_OF[protocol]);
  if (!profile) throw new Error(`bench config lacks the ${PROFILE_OF[protocol]} profile`);
  const sessions: DtuSession[] = [];
  const at = Date.now();
  const shared = protocol === 'dlt645' ? meterAnswers(profile, at) : null;
  for (let i = 0; i < count; i++) {
    const id = `${ID_PREFIX[protocol]}${String(i + 1).padStart(5, '0')}`;
    const answers = shared ?? modbusAnswers(profile, id, at);
    const answer = (request: Uint8Array) =>
      request.length < 8 ? undefined : answers.get(requestKey(protocol, request));
    sessions.push(gateway.connect(id, 10_000 + i, answer));
  }
  await sleep(warmupMs);

  const totals = () => {
    let failures = 0;
    let invalidValues = 0;
    for (const s of sessions) {
      const c = s.devicePoller?.counters;
      failures += (c?.timeouts ?? 0) + (c?.badResponses ?? 0);
      invalidValues += c?.invalidValues ?? 0;
    }
    const { responses, exceptions } = ctx.counters;
    const { receiveMs, receives } = LoopbackDtuSocket;
    return {
      transactions: responses + exceptions,
      samples: gateway.samples(),
      receiveMs,
      receives,
      failures,
      invalidValues,
    };
  };
  const from = sampleProcess();
  const t0 = totals();
  await sleep(measureMs);
  const to = sampleProcess();
  const t1 = totals();
  const window = processWindow(from, to);
  const result: MeterArmResult = {
    protocol,
    devices: count,
    online: ctx.registry.online,
    window,
    ...transactionRates(window, t0, t1),
    failures: t1.failures - t0.failures,
    invalidValues: t1.invalidValues - t0.invalidValues,
  };
  for (const s of sessions) s.close('shutdown', 'benchmark done');
  return result;
}

serveRequests({ run }, async () => undefined);
announceReady({ pid: process.pid });
