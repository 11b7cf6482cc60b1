// A real S7 server for the S7 channel tests: Snap7's server (node-snap7, built from source),
// not ours. One Snap7 server per test process, started on first use on a free port
// (LocalPort, so files run in parallel and none needs port 102), never stopped and never
// collected: node-snap7 keeps its event handles in process-wide statics, so a second
// S7Server re-initialises libuv handles that are still live (the event loop then spins in
// uv__async_io forever), and a collected one closes the handles the live one uses. Each
// test instead resets the area bytes and gets its own proxy; a PLC that goes away is the
// proxy closing with its connections. `area()` reads what the server holds now (writes from
// dtuhub land there, not in the buffers we registered). The proxy counts the S7 read
// requests it forwards (Snap7 reports reads per item, not per request), and can swallow write
// requests so that a write goes unanswered while reads still are.
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
  /** While true, write requests (function 5) are dropped: the PLC never answers them. */
  silentWrites: boolean;
  stop(): Promise<void>;
}

export interface Snap7Areas {
  readonly db?: Readonly<Record<number, Buffer>>;
  readonly m?: Buffer;
  readonly i?: Buffer;
  readonly q?: Buffer;
}

interface Shared {
  readonly server: Snap7Server;
  readonly port: number;
  /** Registered sizes by area key ('DB1', 'M', …): a test's bytes must fit the same area. */
  readonly sizes: Map<string, number>;
}

// Module scope on purpose: the native server must outlive every test (and never be collected).
let shared: Promise<Shared> | null = null;

function sharedServer(): Promise<Shared> {
  shared ??= (async () => {
    const server = new snap7.S7Server();
    const port = await freePort();
    server.SetParam(server.LocalPort, port);
    if (server.StartTo('127.0.0.1') === false) throw new Error(`the Snap7 server could not listen on ${port}`);
    return { server, port, sizes: new Map() };
  })();
  return shared;
}

function areaCode(server: Snap7Server, a: Snap7Area): number {
  return a === 'DB' ? server.srvAreaDB : a === 'M' ? server.srvAreaMK : a === 'I' ? server.srvAreaPE : server.srvAreaPA;
}

/** Registers an area the first time, and from then on overwrites its bytes. */
function load({ server, sizes }: Shared, a: Snap7Area, bytes: Buffer, db = 0): void {
  const key = a === 'DB' ? `DB${db}` : a;
  const size = sizes.get(key);
  if (size === undefined) {
    const ok =
      a === 'DB'
        ? server.RegisterArea(areaCode(server, a), db, bytes)
        : server.RegisterArea(areaCode(server, a), bytes);
    if (!ok) throw new Error(`the Snap7 server refused area ${key}`);
    sizes.set(key, bytes.length);
  } else if (size !== bytes.length) {
    throw new Error(`area ${key} is registered with ${size} bytes, not ${bytes.length}`);
  } else if (a === 'DB') server.SetArea(areaCode(server, a), db, bytes);
  else server.SetArea(areaCode(server, a), bytes);
}

export async function startSnap7(areas: Snap7Areas, port?: number): Promise<Snap7TestServer> {
  const plc = await sharedServer();
  const { server } = plc;
  for (const [db, bytes] of Object.entries(areas.db ?? {})) load(plc, 'DB', bytes, Number(db));
  if (areas.m) load(plc, 'M', areas.m);
  if (areas.i) load(plc, 'I', areas.i);
  if (areas.q) load(plc, 'Q', areas.q);
  const inner = plc.port;
  const counter = { reads: 0, silentWrites: false };
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
    // Forwarded packet by packet, so a write can be told apart and dropped.
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      // TPKT: 03 00 length; COTP data 02 f0 80; S7 header 32 01 (job) …; the function at byte 17.
      while (pending.length >= 4 && pending.length >= pending.readUInt16BE(2)) {
        const size = pending.readUInt16BE(2);
        if (size < 4) {
          upstream.write(pending);
          pending = Buffer.alloc(0);
          break;
        }
        const job = size > 18 && pending[7] === 0x32 && pending[8] === 1 ? pending[17] : null;
        if (job === 4) counter.reads++;
        if (!(job === 5 && counter.silentWrites)) upstream.write(pending.subarray(0, size));
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
    area: (a, db = 0) => server.GetArea(areaCode(server, a), db),
    set: (a, bytes, db = 0) => load(plc, a, bytes, db),
    get reads() {
      return counter.reads;
    },
    get silentWrites() {
      return counter.silentWrites;
    },
    set silentWrites(on: boolean) {
      counter.silentWrites = on;
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      // The PLC goes away for dtuhub: its connections drop and the port refuses new ones.
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}
