// node-opcua is large (about a hundred packages, a second or more to load): it is loaded on
// first use by an OPC UA channel, so start-up and installs without OPC UA channels do not pay.
// Its own logging prints to the console; it is routed to pino at debug level here, once,
// before the first node-opcua module that logs is loaded.
import { format, stripVTControlCharacters } from 'node:util';
import type { Logger } from '../../log.js';

export type NodeOpcuaClient = typeof import('node-opcua-client');
export type CertificateManagerClass = (typeof import('node-opcua-certificate-manager'))['OPCUACertificateManager'];

export interface NodeOpcua {
  readonly ua: NodeOpcuaClient;
  readonly OPCUACertificateManager: CertificateManagerClass;
}

let loading: Promise<NodeOpcua> | null = null;

/** Loads node-opcua once per process; `log` receives its messages (the first caller's logger). */
export function loadNodeOpcua(log: Logger): Promise<NodeOpcua> {
  loading ??= load(log.child({ module: 'node-opcua' })).catch((err: unknown) => {
    loading = null;
    throw err;
  });
  return loading;
}

async function load(log: Logger): Promise<NodeOpcua> {
  // CommonJS packages: Node's ESM loader cannot see their re-exports by name, so use the default export.
  const debug = (await import('node-opcua-debug')).default;
  const route =
    (level: string) =>
    (context: unknown, ...args: unknown[]): void => {
      // node-opcua passes where the message comes from ({ filename, callerline }) first.
      const source =
        typeof context === 'object' && context !== null ? (context as { filename?: string }).filename : undefined;
      if (log.isLevelEnabled('debug'))
        log.debug({ source, opcuaLevel: level }, stripVTControlCharacters(format(...args)));
    };
  debug.setWarningLogger(route('warning'));
  debug.setErrorLogger(route('error'));
  debug.setDebugLogger(route('debug'));
  debug.setTraceLogger(route('trace'));
  const [client, certificates] = await Promise.all([
    import('node-opcua-client'),
    import('node-opcua-certificate-manager'),
  ]);
  return { ua: client.default, OPCUACertificateManager: certificates.default.OPCUACertificateManager };
}
