// A node-opcua server in the test process, for the OPC UA channel: a few variables in
// namespace 1 (string node ids, `ns=1;s=<name>`) the test sets by name, an optional
// user/password, and stop/restart on the same port (a fresh server instance, same PKI dir,
// so the certificate made on the first start is reused: creating one takes seconds).
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import './opcua-quiet.js';
import certificates from 'node-opcua-certificate-manager';
import ua, { type StatusCode } from 'node-opcua-client';
import server from 'node-opcua-server';

// CommonJS packages whose re-exports Node's ESM loader cannot see by name: take them from the default export.
const { DataType, StatusCodes, Variant, VariantArrayType } = ua;
const { OPCUAServer } = server;
const { OPCUACertificateManager } = certificates;

/** The variables every test server has, with their type and first value. */
export const OPCUA_VARIABLES = {
  Temperature: { dataType: DataType.Double, value: 253 },
  Counter: { dataType: DataType.Int32, value: -42 },
  PumpOn: { dataType: DataType.Boolean, value: true },
  Status: { dataType: DataType.String, value: 'running' },
  Energy: { dataType: DataType.Int64, value: [1, 5] },
  Stamp: { dataType: DataType.DateTime, value: new Date(Date.UTC(2026, 10, 22, 8, 0, 0)) },
  /** Changed by the test through `set()`. */
  Level: { dataType: DataType.Float, value: 1.5 },
} as const;

export type OpcuaVariableName = keyof typeof OPCUA_VARIABLES;

export interface OpcuaTestServer {
  readonly port: number;
  readonly endpoint: string;
  /** Sets a variable's value (and optionally a status code), as a device would. */
  set(name: OpcuaVariableName, value: unknown, status?: StatusCode): void;
  /** Sessions and secure channels open on the server now (a client that leaks them fills a PLC's few slots). */
  open(): { sessions: number; channels: number };
  /** Shuts the server down (sessions are dropped). */
  stop(): Promise<void>;
  /** A fresh server on the same port, with the values last set. */
  restart(): Promise<void>;
}

export interface OpcuaServerOptions {
  /** Directory for the server's PKI (own certificate, trusted clients). */
  readonly pkiDir: string;
  /** When set, only this user is accepted (anonymous access is refused). */
  readonly user?: { readonly name: string; readonly password: string };
  readonly port?: number;
}

export async function startOpcuaServer(options: OpcuaServerOptions): Promise<OpcuaTestServer> {
  const port = options.port ?? (await freePort());
  const values = new Map<OpcuaVariableName, { value: unknown; status: StatusCode }>();
  for (const [name, v] of Object.entries(OPCUA_VARIABLES))
    values.set(name as OpcuaVariableName, { value: v.value, status: StatusCodes.Good });
  type Setter = (value: unknown, status: StatusCode) => void;
  let running: { server: InstanceType<typeof OPCUAServer>; setters: Map<OpcuaVariableName, Setter> } | null = null;

  const boot = async () => {
    const serverCertificateManager = new OPCUACertificateManager({
      rootFolder: join(options.pkiDir, 'server'),
      automaticallyAcceptUnknownCertificate: true,
    });
    const server = new OPCUAServer({
      port,
      hostname: '127.0.0.1',
      alternateHostname: ['127.0.0.1'],
      serverCertificateManager,
      allowAnonymous: options.user === undefined,
      ...(options.user
        ? {
            userManager: {
              isValidUser: (u: string, p: string) => u === options.user!.name && p === options.user!.password,
            },
          }
        : {}),
      disableDiscovery: true,
      buildInfo: { productName: 'dtuhub-test-server' },
    });
    await server.initialize();
    const addressSpace = server.engine.addressSpace!;
    const ns = addressSpace.getOwnNamespace();
    const folder = ns.addFolder(addressSpace.rootFolder.objects, { browseName: 'Plant' });
    const setters = new Map<OpcuaVariableName, Setter>();
    for (const [name, def] of Object.entries(OPCUA_VARIABLES)) {
      const variable = ns.addVariable({
        componentOf: folder,
        browseName: name,
        nodeId: `s=${name}`,
        dataType: DataType[def.dataType],
      });
      setters.set(name as OpcuaVariableName, (value, status) =>
        variable.setValueFromSource(
          new Variant({ dataType: def.dataType, arrayType: VariantArrayType.Scalar, value }),
          status,
        ),
      );
    }
    await server.start();
    running = { server, setters };
    for (const [name, v] of values) write(name, v.value, v.status);
  };

  const write = (name: OpcuaVariableName, value: unknown, status: StatusCode) => {
    running?.setters.get(name)?.(value, status);
  };

  await boot();
  return {
    port,
    endpoint: `opc.tcp://127.0.0.1:${port}`,
    set(name, value, status = StatusCodes.Good) {
      values.set(name, { value, status });
      write(name, value, status);
    },
    open: () => ({
      sessions: running?.server.currentSessionCount ?? 0,
      channels: running?.server.currentChannelCount ?? 0,
    }),
    async stop() {
      const current = running;
      running = null;
      await current?.server.shutdown(0);
    },
    restart: boot,
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
