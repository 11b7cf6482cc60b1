// modbus-serial clients (an independent Modbus master) connected to 127.0.0.1, for tests
// that check dtuhub's simulator servers and the pymodbus peer from the other end.
import modbusSerial from 'modbus-serial';

// CommonJS package: at runtime the default import is module.exports, the client class
// itself, which the typings describe as the `default` export.
const ModbusRTU = modbusSerial as unknown as typeof modbusSerial.default;

export type ModbusClient = InstanceType<typeof ModbusRTU>;

export interface ClientOptions {
  /**
   * `tcp`: Modbus TCP (MBAP); `rtu`: raw RTU frames with CRC over TCP. modbus-serial's
   * telnet port is the raw one: its `connectTcpRTUBuffered` wraps requests in an MBAP
   * header, which a serial device server would take for garbage.
   */
  readonly framing: 'tcp' | 'rtu';
  readonly unit?: number;
  readonly timeoutMs?: number;
}

export async function connectClient(port: number, options: ClientOptions): Promise<ModbusClient> {
  const client = new ModbusRTU();
  if (options.framing === 'tcp') await client.connectTCP('127.0.0.1', { port });
  else await client.connectTelnet('127.0.0.1', { port });
  client.setID(options.unit ?? 1);
  client.setTimeout(options.timeoutMs ?? 2000);
  return client;
}

export function closeClient(client: ModbusClient): Promise<void> {
  return new Promise((resolve) => {
    if (!client.isOpen) {
      resolve();
      return;
    }
    client.close(() => resolve());
  });
}
