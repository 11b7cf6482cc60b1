// Scenario 4a: the gateway path alone, in one process, without the kernel. Real
// DtuSession objects (stream parser, transaction queue, tick scheduler, poller, block decoder,
// bus) are attached to loopback sockets that answer each read request on the next
// turn of the event loop with a pre-encoded RTU response, as a DTU on a fast link would.
// The only `data` listener counts samples and drops them: no storage.
//
// Two figures come out: the receive path (bytes in → parse → match to the request in
// flight → decode 50 points → emit) timed around each delivery, and the whole process CPU
// per transaction, which adds the poll timers, request encoding/sending, timeout timers
// and garbage collection.
//
//   node dist/bench/gateway-inproc.js --config DIR   (then a `run` request over IPC)
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/load.js';
import type { DtuSession } from '../src/gateway/session.js';
import { encodeRegistersResponse } from '../src/protocol/modbus/reply.js';
import { RegisterModel } from '../src/simulator/index.js';
import { benchDtuId, LINK_NAME, PROFILE_NAME, SLAVE, TASK_ADDRESS, TASK_QUANTITY } from './bench-config.js';
import { announceReady, serveRequests } from './child-rpc.js';
import { inprocGateway, LoopbackDtuSocket, transactionRates, type TransactionRates } from './loopback-dtu.js';
import { processWindow, sampleProcess, type ProcessWindow } from './process-sample.js';
import { WindowProfiler } from './window-profiler.js';

export interface InprocRunArgs {
  readonly count: number;
  readonly warmupMs: number;
  readonly measureMs: number;
  /** Write a main-thread CPU profile of the window into this directory. */
  readonly profileDir?: string;
}

export interface InprocResult extends TransactionRates {
  readonly devices: number;
  readonly online: number;
  readonly window: ProcessWindow;
  readonly timeouts: number;
  readonly skippedOverrun: number;
  /** Step of the shared scheduler, as the Gateway derives it from the config. */
  readonly timerResolutionMs?: number;
  /** False when the config sets the step (sessions.timerResolution) rather than `auto`. */
  readonly timerResolutionAuto?: boolean;
  /** What a wake-up of the event loop costs when it finds nothing to do (measured before the DTUs connect). */
  readonly idleWakeup?: IdleWakeupPrice;
}

export interface IdleWakeupPrice {
  /** Period of the bare interval timer that was measured. */
  readonly everyMs?: number;
  readonly wakeups: number;
  readonly cpuUsPerWakeup: number;
}

const IDLE_WAKEUP_WINDOW_MS = 4000;
const IDLE_WAKEUP_EVERY_MS = 20;

const { values } = parseArgs({ options: { config: { type: 'string' } } });
if (!values.config) throw new Error('--config DIR is required');
const config = loadConfig(values.config);
const link = config.points.links.get(LINK_NAME);
const profile = config.points.profiles.get(PROFILE_NAME);
const listener = config.server.listeners[0];
if (!link || !profile || !listener) throw new Error('bench config lacks its link, profile or listener');

const timerStep = config.server.sessions.timerResolutionMs;
const gateway = inprocGateway(config, link, listener.name);
const { ctx } = gateway;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * CPU of this process per wake-up of an event loop that has nothing else to do: a bare
 * interval timer. It is the fixed price of every scheduler tick, whatever the tick runs.
 */
async function idleWakeupPrice(windowMs: number, everyMs: number): Promise<IdleWakeupPrice> {
  let wakeups = 0;
  const from = sampleProcess();
  const timer = setInterval(() => wakeups++, everyMs);
  await sleep(windowMs);
  clearInterval(timer);
  const { cpuUs } = processWindow(from, sampleProcess());
  return { everyMs, wakeups, cpuUsPerWakeup: wakeups > 0 ? cpuUs / wakeups : 0 };
}

async function run(args: unknown): Promise<InprocResult> {
  const { count, warmupMs, measureMs, profileDir } = args as InprocRunArgs;
  const idleWakeup = await idleWakeupPrice(IDLE_WAKEUP_WINDOW_MS, IDLE_WAKEUP_EVERY_MS);
  const sessions: DtuSession[] = [];
  for (let i = 0; i < count; i++) {
    const id = benchDtuId(i);
    const registers = new RegisterModel(profile!, id, id).registers(SLAVE, 3, TASK_ADDRESS, TASK_QUANTITY);
    const response = encodeRegistersResponse(SLAVE, 3, registers);
    // A read of holding registers is answered; nothing else is sent.
    sessions.push(gateway.connect(id, 10_000 + i, (request) => (request[1] === 3 ? response : undefined)));
  }
  await sleep(warmupMs);

  const totals = () => {
    let timeouts = 0;
    let skippedOverrun = 0;
    for (const s of sessions) {
      timeouts += s.devicePoller?.counters.timeouts ?? 0;
      skippedOverrun += s.devicePoller?.counters.skippedOverrun ?? 0;
    }
    return {
      transactions: ctx.counters.responses,
      samples: gateway.samples(),
      receiveMs: LoopbackDtuSocket.receiveMs,
      receives: LoopbackDtuSocket.receives,
      timeouts,
      skippedOverrun,
    };
  };
  const profiler = new WindowProfiler();
  if (profileDir) await profiler.start();
  const from = sampleProcess();
  const t0 = totals();
  await sleep(measureMs);
  const to = sampleProcess();
  const t1 = totals();
  if (profileDir) await profiler.stop(profileDir);
  const window = processWindow(from, to);
  const result: InprocResult = {
    devices: count,
    online: ctx.registry.online,
    window,
    ...transactionRates(window, t0, t1),
    timeouts: t1.timeouts - t0.timeouts,
    skippedOverrun: t1.skippedOverrun - t0.skippedOverrun,
    timerResolutionMs: timerStep,
    timerResolutionAuto: config.server.sessions.timerResolutionAuto,
    idleWakeup,
  };
  for (const s of sessions) s.close('shutdown', 'benchmark done');
  return result;
}

serveRequests({ run }, async () => undefined);
announceReady({ pid: process.pid });
