// Options of one simulated DTU. Fault options are read on every packet, so tests can
// change them at runtime with `setFaults`.
import type { DeviceProfile, LinkConfig } from '../domain/config.js';
import type { ReadFunction } from '../domain/point.js';
import type { Clock, TickScheduler } from '../link/index.js';
import type { Logger } from '../log.js';
import type { MeterFaults, MeterServedHook, SimulatedMeter } from './meter-bus.js';
import type { SlaveRequest } from './slave-request.js';

export interface TargetAddress {
  readonly host: string;
  readonly port: number;
}

/** A block an unsolicited DTU reads from its own bus and pushes. */
export interface PushBlock {
  readonly slave: number;
  readonly fn: ReadFunction;
  readonly address: number;
  readonly quantity: number;
}

/** Faults a test can inject; all default to a well-behaved DTU. */
export interface DtuFaults extends MeterFaults {
  /** Bus plus cellular latency before each answer. */
  readonly responseDelayMs?: number;
  /** Answer after this long instead (meant to exceed the server's timeout), whatever happens meanwhile. */
  readonly lateResponseMs?: number;
  /** Send each packet after the registration whole, byte by byte, or in pieces of N bytes (the registration always goes whole). */
  readonly chunking?: 'whole' | 'byte' | number;
  /** Pause between pieces of a split packet (default 1 ms, so they travel as separate segments). */
  readonly chunkGapMs?: number;
  /**
   * Put the heartbeat pattern in the middle of every response. Typed framing is
   * length-delimited, so there the heartbeat message goes just before the response, in
   * the same write.
   */
  readonly heartbeatInsideResponse?: boolean;
  /** `heartbeat`: registration and the first heartbeat leave in one write. */
  readonly mergeRegistrationWith?: 'heartbeat' | 'nothing';
  /** Slaves that never answer (a dead device on the bus). */
  readonly silentSlaves?: readonly number[];
  /** Slave id → exception code that slave answers every request with. */
  readonly exceptionCodes?: Readonly<Record<number, number>>;
  /** Flip the CRC of responses: with this probability (0..1), or only the first one. */
  readonly corruptCrc?: number | 'once';
}

export type ServedHook = (
  request: SlaveRequest,
  response: Buffer,
  registers: readonly number[],
  atMs: number,
  /** The DTU that answered (only its ID is promised). */
  dtu: { readonly id: string },
) => void;

export interface SimulatedDtuOptions extends DtuFaults {
  readonly id: string;
  readonly target: TargetAddress;
  readonly link: LinkConfig;
  /** Points and heartbeat override; null serves zeros from slave 1. */
  readonly profile?: DeviceProfile | null;
  /** Heartbeat period (default 30 s); 0 sends none. */
  readonly heartbeatIntervalMs?: number;
  /** Unsolicited framing: push period (default 5 s). */
  readonly pushIntervalMs?: number;
  /** Unsolicited framing: blocks to push (default: every read block of the profile's tasks). */
  readonly pushBlocks?: readonly PushBlock[];
  /** Slave ids that answer (default: the profile's). */
  readonly slaves?: readonly number[];
  /** Answer exception 02 for addresses outside the profile's points. */
  readonly strictAddresses?: boolean;
  /** Seed of waveforms and random faults (default: the ID). */
  readonly seed?: string | number;
  /** Reconnect after the connection drops or cannot be opened (default false). */
  readonly reconnect?: boolean;
  readonly reconnectDelayMs?: number;
  readonly connectTimeoutMs?: number;
  /** Incomplete request bytes older than this are dropped when new bytes arrive (default 2 s). */
  readonly frameGapMs?: number;
  /** Registration bytes to send instead of the ones the link's rule gives for the ID. */
  readonly registration?: Buffer;
  /** Shared scheduler for heartbeats and pushes (a fleet passes one); a DTU alone shares a module-wide one. */
  readonly scheduler?: TickScheduler;
  /** Wall clock of the simulated registers and timers (tests hand in a fake one). */
  readonly clock?: Clock;
  readonly onServed?: ServedHook;
  /** DL/T 645 meters on the bus, beside the Modbus slaves (transparent links). */
  readonly meters?: readonly SimulatedMeter[];
  readonly onMeterServed?: MeterServedHook;
  readonly log?: Logger;
}

export interface DtuCounters {
  connects: number;
  reconnects: number;
  requests: number;
  responses: number;
  exceptions: number;
  /** Requests for other slaves or silent ones: no answer. */
  ignored: number;
  badCrc: number;
  heartbeats: number;
  heartbeatReplies: number;
  acks: number;
  pushes: number;
  garbageBytes: number;
  bytesIn: number;
  bytesOut: number;
}

export function emptyCounters(): DtuCounters {
  return {
    connects: 0,
    reconnects: 0,
    requests: 0,
    responses: 0,
    exceptions: 0,
    ignored: 0,
    badCrc: 0,
    heartbeats: 0,
    heartbeatReplies: 0,
    acks: 0,
    pushes: 0,
    garbageBytes: 0,
    bytesIn: 0,
    bytesOut: 0,
  };
}
