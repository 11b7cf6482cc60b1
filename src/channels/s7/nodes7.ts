// nodes7 (plain CommonJS, no types): the parts of its connection object the S7 session uses,
// and how to make one that is safe to hand a PLC's bytes to.
//
// nodes7 reads each socket 'data' event as one whole ISO packet and indexes into it without
// checks, so junk or a packet split by TCP would throw inside a socket listener and take the
// process down. The connection is made with Node's `onread` option instead: the bytes come
// to us, are cut into whole TPKT packets (protocol/s7/tpkt.ts), and each is emitted to
// nodes7's listeners inside a try/catch. nodes7 also reconnects by itself; an instance lives
// for one channel attempt only and is made inert when it closes (reconnects are the
// channel's, with its backoff).
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { TpktSplitter } from '../../protocol/s7/tpkt.js';

/** An item as nodes7 keeps it after a read. */
export interface Nodes7Item {
  readonly value: unknown;
  /** 'OK', or 'BAD <code>'. */
  readonly quality: unknown;
}

/** The nodes7 connection object, as far as it is used here. */
export interface Nodes7Connection {
  initiateConnection(params: Record<string, unknown>, callback: (err?: unknown) => void): void;
  setTranslationCB(translate: (tag: string) => string | undefined): void;
  addItems(items: string[]): void;
  readAllItems(callback: (anyBad: boolean, values: Record<string, unknown>) => void): void;
  /** 0: queued; 1: a write is already in progress (the callback will not be called). */
  writeItems(items: string[], values: unknown[], callback: (anyBad: boolean) => void): number;
  findItem(name: string): Nodes7Item | undefined;
  connectionCleanup(): void;
  connectNow(...args: unknown[]): void;
  isoclient: Socket | undefined;
  /** 4: connected and the PDU negotiated. */
  isoConnectionState: number;
  reconnectTimer?: NodeJS.Timeout;
  rereadTimer?: NodeJS.Timeout;
  resetTimeout?: NodeJS.Timeout;
  dropConnectionTimer?: NodeJS.Timeout | null;
}

type Nodes7Class = new (options: { silent: boolean; debug: boolean }) => Nodes7Connection;

let nodes7: Nodes7Class | null = null;

function nodes7Class(): Nodes7Class {
  nodes7 ??= createRequire(import.meta.url)('nodes7') as Nodes7Class;
  return nodes7;
}

/** What goes wrong below nodes7: the connection must be dropped. */
export type WireTrouble = (err: Error) => void;

/**
 * A nodes7 connection whose sockets deliver whole TPKT packets. `trouble` hears about junk
 * on the wire and about anything nodes7 throws while reading a packet.
 */
export function framedNodes7(trouble: WireTrouble): { conn: Nodes7Connection; readParams: Record<string, unknown> } {
  // silent: nodes7 prints to the console otherwise (a module-wide setting, the same for every instance).
  const conn = new (nodes7Class())({ silent: true, debug: false });
  const splitters = new WeakMap<Socket, TpktSplitter>();
  const readBuffer = Buffer.alloc(16 * 1024);
  const readParams = {
    onread: {
      buffer: readBuffer,
      callback(this: Socket, length: number, buffer: Buffer): boolean {
        let splitter = splitters.get(this);
        if (!splitter) splitters.set(this, (splitter = new TpktSplitter()));
        const result = splitter.push(buffer.subarray(0, length));
        if ('junk' in result) {
          this.destroy();
          trouble(new Error(`the PLC sent something that is not ISO-on-TCP (${result.junk})`));
          return false;
        }
        for (const packet of result.packets) {
          try {
            this.emit('data', packet);
          } catch (err) {
            this.destroy();
            trouble(new Error(`unreadable answer from the PLC: ${err instanceof Error ? err.message : String(err)}`));
            return false;
          }
        }
        return true;
      },
    },
  };
  return { conn, readParams };
}

/** Stops everything a nodes7 connection has going and keeps it from starting again. */
export function disarm(conn: Nodes7Connection): void {
  // Its own reconnects would otherwise open a new socket behind the channel's back.
  conn.connectNow = () => undefined;
  for (const timer of [conn.reconnectTimer, conn.rereadTimer, conn.resetTimeout, conn.dropConnectionTimer])
    if (timer) clearTimeout(timer);
  try {
    conn.connectionCleanup();
  } catch {
    // Nothing open: nothing to clean.
  }
}
