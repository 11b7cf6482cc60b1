// What both simulator server modes share (a Modbus TCP device, and a serial device server
// or fixed-IP DTU answering raw RTU): a TCP listener on which the gateway connects out to
// the simulator, the register model its slaves serve, counters, and faults a test can
// change while connections are open.
import type { Socket } from 'node:net';
import type { DeviceProfile } from '../domain/config.js';
import { systemClock, type Clock } from '../link/index.js';
import type { Logger } from '../log.js';
import type { DtuFaults } from './dtu-options.js';
import type { PacketWriter } from './packet-writer.js';
import { RegisterModel } from './register-model.js';
import { serveOnBus, type BusOutcome } from './slave-bus.js';
import type { SlaveRequest } from './slave-request.js';
import { SimulatorPort, type PortAddress } from './tcp-port.js';

export type ServerFaults = Pick<
  DtuFaults,
  'responseDelayMs' | 'silentSlaves' | 'exceptionCodes' | 'chunking' | 'chunkGapMs'
>;

export interface SimServerOptions extends ServerFaults, PortAddress {
  /** Names the device: seeds waveforms unless `seed` is given, and is the text `string` points serve. */
  readonly id?: string;
  /** Points the slaves serve (waveforms change over time); null serves zeros from slave 1. */
  readonly profile?: DeviceProfile | null;
  /** Unit ids / slave addresses that answer (default: the profile's). */
  readonly slaves?: readonly number[];
  /** Answer exception 02 for addresses outside the profile's points. */
  readonly strictAddresses?: boolean;
  readonly seed?: string | number;
  /** Wall clock of the simulated registers (tests hand in a fake one). */
  readonly clock?: Clock;
  readonly log?: Logger;
}

export interface ServerCounters {
  /** Connections accepted. */
  connections: number;
  requests: number;
  responses: number;
  exceptions: number;
  /** Requests nobody answered: unknown or silent slave, broadcast, or answering stopped. */
  ignored: number;
  /** RTU frames of known length whose CRC failed. */
  badCrc: number;
  /** Connections closed by the server for bytes that cannot be Modbus TCP. */
  badHeaders: number;
  heartbeats: number;
  bytesIn: number;
  bytesOut: number;
}

function emptyServerCounters(): ServerCounters {
  return {
    connections: 0,
    requests: 0,
    responses: 0,
    exceptions: 0,
    ignored: 0,
    badCrc: 0,
    badHeaders: 0,
    heartbeats: 0,
    bytesIn: 0,
    bytesOut: 0,
  };
}

export abstract class ListeningServer extends SimulatorPort {
  readonly counters: ServerCounters = emptyServerCounters();
  readonly model: RegisterModel;
  protected faults: ServerFaults;

  constructor(protected readonly options: SimServerOptions) {
    super(options);
    this.faults = options;
    const id = options.id ?? 'SIM';
    this.model = new RegisterModel(options.profile ?? null, options.seed ?? id, id, options.clock);
  }

  /** The unit ids / slave addresses that answer. */
  get slaves(): readonly number[] {
    return this.options.slaves ?? this.model.slaves;
  }

  /** Changes faults from now on. */
  setFaults(faults: ServerFaults): void {
    this.faults = { ...this.faults, ...faults };
  }

  /** Sets up one accepted connection: reading requests, and anything the device sends unasked. */
  protected abstract attach(socket: Socket): void;

  /** What the bus does with a request (counted; the caller counts it `ignored` if nothing is sent). */
  protected serve(request: SlaveRequest): BusOutcome {
    this.counters.requests += 1;
    return serveOnBus(this.model, request, this.now(), this.slaves, this.faults, this.options.strictAddresses ?? false);
  }

  /**
   * Runs `send` after the configured response delay (now when there is none). The model
   * was sampled when the request arrived; only the answer travels later.
   */
  protected afterDelay(socket: Socket, send: () => void): void {
    this.later(socket, this.faults.responseDelayMs ?? 0, send);
  }

  /** Writes a packet, whole or in pieces as the `chunking` fault says. */
  protected send(writer: PacketWriter, packet: Buffer): void {
    this.counters.bytesOut += packet.length;
    const chunking = this.faults.chunking ?? 'whole';
    const pieceSize = chunking === 'whole' ? 0 : chunking === 'byte' ? 1 : chunking;
    writer.write(packet, pieceSize, this.faults.chunkGapMs ?? 1);
  }

  /** Counts a response frame (RTU, CRC included or not) on its way out. */
  protected countResponse(fnByte: number): void {
    this.counters.responses += 1;
    if (fnByte & 0x80) this.counters.exceptions += 1;
  }

  protected now(): number {
    return (this.options.clock ?? systemClock).now();
  }

  protected accept(socket: Socket): void {
    this.counters.connections += 1;
    socket.on('data', (chunk: Buffer) => {
      this.counters.bytesIn += chunk.length;
    });
    socket.on('error', (err) => this.options.log?.debug({ err }, 'simulator server socket error'));
    this.attach(socket);
  }
}
