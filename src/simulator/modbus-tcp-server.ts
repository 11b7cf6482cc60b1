// A Modbus TCP device (or a Modbus TCP gateway with several unit ids behind it) for the
// gateway's outbound channels to connect to. Requests are answered as they
// arrive, so a client may pipeline several on one connection; each answer carries its
// request's transaction id.
import type { Socket } from 'node:net';
import { ListeningServer, type SimServerOptions } from './listening-server.js';
import { MbapRequestReader, mbapResponse, type MbapInbound } from './mbap-requests.js';
import { PacketWriter } from './packet-writer.js';
import { exception } from './slave-responder.js';
import { parseRequest } from './slave-request.js';

/** Modbus exception 0x0B: what a Modbus TCP gateway answers for a unit that does not respond. */
const GATEWAY_TARGET_FAILED = 11;

export interface ModbusTcpServerOptions extends SimServerOptions {
  /**
   * A request to a unit id that is not served: `silent` (default) answers nothing, as a
   * single device does; `gateway-exception` answers exception 0x0B, as a gateway does.
   */
  readonly unknownUnit?: 'silent' | 'gateway-exception';
}

export class ModbusTcpServer extends ListeningServer {
  constructor(protected override readonly options: ModbusTcpServerOptions) {
    super(options);
  }

  protected attach(socket: Socket): void {
    const reader = new MbapRequestReader();
    const writer = new PacketWriter(socket);
    const onInbound = (event: MbapInbound): void => {
      if (event.kind === 'bad-header') {
        this.counters.badHeaders += 1;
        this.options.log?.debug({ detail: event.detail }, 'simulated Modbus TCP server: bad MBAP header, closing');
        socket.destroy();
        return;
      }
      this.onRequest(socket, writer, event.transactionId, event.frame);
    };
    socket.on('data', (chunk: Buffer) => reader.push(chunk, onInbound));
    socket.on('close', () => writer.clear());
  }

  private onRequest(socket: Socket, writer: PacketWriter, transactionId: number, frame: Buffer): void {
    const request = parseRequest(frame);
    const outcome = this.serve(request);
    let rtu: Buffer;
    if (outcome.kind === 'answer') {
      rtu = outcome.answer.response;
    } else if (
      outcome.kind === 'silent' &&
      this.options.unknownUnit === 'gateway-exception' &&
      !this.slaves.includes(request.slave)
    ) {
      rtu = exception(request.slave, request.fn, GATEWAY_TARGET_FAILED).response;
    } else {
      this.counters.ignored += 1;
      return;
    }
    this.afterDelay(socket, () => {
      this.send(writer, mbapResponse(transactionId, rtu));
      this.countResponse(rtu[1]!);
    });
  }
}

/** Starts a Modbus TCP server; resolves once it listens. */
export async function startModbusTcpServer(options: ModbusTcpServerOptions = {}): Promise<ModbusTcpServer> {
  const server = new ModbusTcpServer(options);
  await server.start();
  return server;
}
