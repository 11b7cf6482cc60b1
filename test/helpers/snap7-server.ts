// A real S7 server for the S7 channel tests: Snap7's server (node-snap7, built from source),
// not ours. Each test gets its own on a free port (LocalPort), so files run in parallel and
// none needs port 102. Areas are registered with their initial bytes; `area()` reads what
// the server holds now (writes from dtuhub land there, not in the buffer we registered).
// dtuhub talks to it through a small proxy that counts the S7 read requests it forwards
// (Snap7 reports reads per item, not per request).
import { createRequire } from 'node:module';
import { connect, createServer, type Socket } from 'node:net';
import { freePort } from './channels.js';

interface Snap7Server {
  readonly srvAreaPE: number;
  readonly srvAreaPA: number;
  readonly srvAreaMK: number;
  readonly srvAreaDB: number;
  readonly LocalPort: number;
  SetParam(param: number, value: number): boolean;
  RegisterArea(area: number, index: number, buffer: Buffer): boolean;
  RegisterArea(area: number, buffer: Buffer): boolean;
  GetArea(area: number, index?: number): Buffer;
  SetArea(area: number, index: number, buffer: Buffer): void;
  SetArea(area: number, buffer: Buffer): void;
  StartTo(ip: string): number | false;
  Stop(): number | false;
  ClientsCount(): number;
}

const snap7 = createRequire(import.meta.url)('node-snap7') as { S7Server: new () => Snap7Server };

export type Snap7Area = 'DB' | 'M' | 'I' | 'Q';

export interface Snap7TestServer {
  readonly port: number;
  /** The bytes the server holds now. */
  area(area: Snap7Area, db?: number): Buffer;
  /** Replaces the bytes of an area (same length as registered). */
  set(area: Snap7Area, bytes: Buffer, db?: number): void;
  /** S7 read requests (function 4) received so far. */
  readonly reads: number;
  clients(): number;
  stop(): Promise<void>;
}

export interface Snap7Areas {
  readonly db?: Readonly<Record<number, Buffer>>;
  readonly m?: Buffer;
  readonly i?: Buffer;
  readonly q?: Buffer;
}

export async function startSnap7(areas: Snap7Areas, port?: number): Promise<Snap7TestServer> {
  const server = new snap7.S7Server();
  const code = (a: Snap7Area) =>
    a === 'DB' ? server.srvAreaDB : a === 'M' ? server.srvAreaMK : a === 'I' ? server.srvAreaPE : server.srvAreaPA;
  for (const [db, bytes] of Object.entries(areas.db ?? {})) server.RegisterArea(server.srvAreaDB, Number(db), bytes);
  if (areas.m) server.RegisterArea(server.srvAreaMK, areas.m);
  if (areas.i) server.RegisterArea(server.srvAreaPE, areas.i);
  if (areas.q) server.RegisterArea(server.srvAreaPA, areas.q);
  const inner = await freePort();
  server.SetParam(server.LocalPort, inner);
  if (server.StartTo('127.0.0.1') === false) throw new Error(`the Snap7 server could not listen on ${inner}`);
  const counter = { reads: 0 };
  const sockets = new Set<Socket>();
  const proxy = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port: inner });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    let pending = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      pending = Buffer.concat([pending, chunk]);
      // TPKT: 03 00 length; COTP data 02 f0 80; S7 header 32 01 (job) …; the function at byte 17.
      while (pending.length >= 4 && pending.length >= pending.readUInt16BE(2)) {
        const size = pending.readUInt16BE(2);
        if (size < 4) break;
        if (size > 18 && pending[7] === 0x32 && pending[8] === 1 && pending[17] === 4) counter.reads++;
        pending = pending.subarray(size);
      }
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
  });
  const bound = port ?? (await freePort());
  await new Promise<void>((resolve, reject) => {
    proxy.once('error', reject);
    proxy.listen(bound, '127.0.0.1', () => resolve());
  });
  let stopped = false;
  return {
    port: bound,
    area: (a, db = 0) => server.GetArea(code(a), db),
    set: (a, bytes, db = 0) => (a === 'DB' ? server.SetArea(code(a), db, bytes) : server.SetArea(code(a), bytes)),
    get reads() {
      return counter.reads;
    },
    clients: () => server.ClientsCount(),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      // Snap7 crashes the process when stopped while a worker still serves a client: let them go first.
      for (let i = 0; i < 100 && server.ClientsCount() > 0; i++) await new Promise((r) => setTimeout(r, 20));
      server.Stop();
    },
  };
}
