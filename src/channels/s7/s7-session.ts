// One connection to an S7 CPU for one channel attempt: ISO-on-TCP connect with rack/slot and
// PDU negotiation (nodes7), then reads of every tag at once and writes, one operation at a
// time. nodes7 sorts the tags and packs neighbours into as few requests as the negotiated
// PDU size allows, so a poll is normally one read request for all of a device's tags.
//
// Anything that breaks the connection — the PLC closes it, sends junk, stops answering —
// is reported once through `lost`; the session is then dead and the channel reconnects.
import type { S7ChannelConfig } from '../../domain/channels.js';
import type { S7Tag } from '../../domain/s7.js';
import { nodes7Item } from '../../protocol/s7/address.js';
import { disarm, framedNodes7, type Nodes7Connection } from './nodes7.js';

/** A tag's outcome in one read: what nodes7 decoded, or the PLC's refusal (`BAD 255`: no such area or DB). */
export type TagRead = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problem: string };

/**
 * An operation the PLC did not answer in time, as opposed to a connection that broke: a write's
 * outcome tells the two apart by this class, not by its message.
 */
export class S7NoAnswer extends Error {}

/** Extra time over nodes7's own per-request timeout before the session gives up on an operation. */
const GUARD_MS = 1000;

export class S7Session {
  private dead = false;
  private tail: Promise<unknown> = Promise.resolve();
  /** Ends the operation in flight: a dead connection answers nothing more. */
  private abandon: ((err: Error) => void) | null = null;

  private constructor(
    private readonly conn: Nodes7Connection,
    private readonly tags: readonly S7Tag[],
    private readonly timeoutMs: number,
    private readonly lost: (err: Error) => void,
  ) {}

  /** Connects (bounded by `connectTimeout`, cancelled by `signal`); rejects with what failed. */
  static open(config: S7ChannelConfig, signal: AbortSignal, lost: (err: Error) => void): Promise<S7Session> {
    return new Promise((resolve, reject) => {
      let session: S7Session | null = null;
      let settled = false;
      const trouble = (err: Error) => {
        if (!settled) fail(err);
        else session?.die(err);
      };
      const { conn, readParams } = framedNodes7(trouble);
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', cancelled);
        disarm(conn);
        reject(err);
      };
      const target = `${config.host}:${config.port}`;
      const cancelled = () => fail(new Error(`connect to ${target} cancelled`));
      const timer = setTimeout(
        () => fail(new Error(`no ISO-on-TCP connection to ${target} within ${config.connectTimeoutMs} ms`)),
        config.connectTimeoutMs,
      );
      if (signal.aborted) return cancelled();
      signal.addEventListener('abort', cancelled, { once: true });
      const items = new Map(config.tags.map((t) => [t.name, nodes7Item(t.address, t.type)]));
      try {
        conn.initiateConnection(
          {
            host: config.host,
            port: config.port,
            rack: config.rack,
            slot: config.slot,
            timeout: config.timeoutMs,
            connection_name: config.name,
            ...readParams,
          },
          (err?: unknown) => {
            if (settled) return;
            if (err !== undefined) return fail(connectError(err, target));
            settled = true;
            clearTimeout(timer);
            signal.removeEventListener('abort', cancelled);
            session = new S7Session(conn, config.tags, config.timeoutMs, lost);
            conn.setTranslationCB((name) => items.get(name));
            conn.addItems(config.tags.map((t) => t.name));
            conn.isoclient?.once('close', () => session?.die(new Error('connection closed by the PLC')));
            resolve(session);
          },
        );
      } catch (err) {
        fail(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  /** Reads every tag; rejects (and the session dies) when the connection fails meanwhile. */
  read(): Promise<Map<string, TagRead>> {
    return this.serial((done) => {
      this.conn.readAllItems(() => {
        if (this.conn.isoConnectionState !== 4)
          return done(new S7NoAnswer(`no answer to a read within ${this.timeoutMs} ms`));
        const out = new Map<string, TagRead>();
        for (const tag of this.tags) out.set(tag.name, itemRead(this.conn, tag.name));
        done(null, out);
      });
    }, 'read');
  }

  /** Writes one tag's value (in nodes7's terms); resolves with the PLC's refusal, or null when written. */
  write(tag: S7Tag, value: number | boolean): Promise<string | null> {
    return this.serial((done) => {
      // The tag's name: the translation gives nodes7 its item.
      const queued = this.conn.writeItems([tag.name], [value], (anyBad) => {
        if (this.conn.isoConnectionState !== 4)
          return done(new S7NoAnswer(`no answer to a write within ${this.timeoutMs} ms`));
        done(null, anyBad ? 'the PLC refused the write (address out of range, or the DB is protected)' : null);
      });
      // Writes are serialised here, so nodes7 never has one in progress already.
      if (queued !== 0) done(null, 'another write was still in progress');
    }, 'write');
  }

  /** Releases the connection; bounded in time, never throws. */
  close(): Promise<void> {
    if (!this.dead) {
      this.dead = true;
      disarm(this.conn);
      this.abandon?.(new Error('the connection to the PLC is closed'));
    }
    return Promise.resolve();
  }

  private die(err: Error): void {
    if (this.dead) return;
    this.dead = true;
    disarm(this.conn);
    this.abandon?.(err);
    this.lost(err);
  }

  /**
   * Runs operations one after another (nodes7 takes one write at a time and defers a read
   * behind a write by polling). An operation that nodes7 never answers is given up after
   * its timeout and the guard, and the connection with it.
   */
  private serial<T>(run: (done: (err: Error | null, value?: T) => void) => void, what: string): Promise<T> {
    const result = this.tail.then(
      () =>
        new Promise<T>((resolve, reject) => {
          if (this.dead) return reject(new Error('the connection to the PLC is closed'));
          let finished = false;
          const done = (err: Error | null, value?: T) => {
            if (finished) return;
            finished = true;
            this.abandon = null;
            clearTimeout(guard);
            if (err) {
              this.die(err);
              reject(err);
            } else resolve(value as T);
          };
          // nodes7 times out each request itself; the guard covers a callback that never comes.
          const guard = setTimeout(
            () => done(new S7NoAnswer(`no answer to a ${what} within ${this.timeoutMs} ms`)),
            this.timeoutMs * 2 + GUARD_MS,
          );
          this.abandon = (err) => done(err);
          try {
            run(done);
          } catch (err) {
            done(new Error(`${what} failed: ${err instanceof Error ? err.message : String(err)}`));
          }
        }),
    );
    this.tail = result.catch(() => undefined);
    return result;
  }
}

function itemRead(conn: Nodes7Connection, name: string): TagRead {
  const item = conn.findItem(name);
  if (!item) return { ok: false, problem: 'not read' };
  if (item.quality !== 'OK') return { ok: false, problem: `the PLC refused the read (${String(item.quality)})` };
  return { ok: true, value: item.value };
}

/** nodes7 hands connect failures over as an errno-like object or a string. */
function connectError(err: unknown, target: string): Error {
  if (typeof err === 'string') return new Error(`${target}: ${err}`);
  if (err instanceof Error) return new Error(`${target}: ${err.message}`);
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : String(err);
  return new Error(code === 'EUSERTIMEOUT' ? `connect to ${target} timed out` : `connect to ${target} failed: ${code}`);
}
