// Hostile live-feed viewers (issue 23): each opens /api/live, subscribes to the fleet and to
// as many device topics as a connection may hold, then unsubscribes and re-subscribes the
// fleet as fast as the server answers, for a bounded time and number of rounds. Runs in a
// process of its own (live-viewers-proc.ts), for the integration test and the benchmark, so
// the viewers' own work is not on the server's event loop.
// Refused subscriptions are retried after the `retryAfterMs` the server asks for.
import WebSocket from 'ws';

export interface LiveViewersLoadOptions {
  /** ws://host:port/api/live */
  readonly url: string;
  /** Request headers (authentication) of each viewer: one entry per viewer. */
  readonly headers: readonly Record<string, string>[];
  /** Online device IDs; viewer `i` subscribes to `topicsPerViewer` of them, spread over the list. */
  readonly deviceIds: readonly string[];
  readonly topicsPerViewer: number;
  /** The fleet re-subscribe loop runs this long… */
  readonly loadMs: number;
  /** …or until each viewer has gone round this many times. */
  readonly maxFleetRounds: number;
}

export interface LiveViewersLoadResult {
  readonly viewers: number;
  readonly connected: number;
  /** Closes the server initiated before the end, by close code (4008: too slow). */
  readonly closedByServer: Record<string, number>;
  readonly subscribesSent: number;
  readonly deviceSnapshots: number;
  /** Full fleet snapshots received (all their pages) and the pages themselves. */
  readonly fleetSnapshots: number;
  readonly fleetPages: number;
  /** Fleet answers that were a delta against the viewer's last snapshot. */
  readonly fleetDeltas: number;
  /** Fleet re-subscribe rounds completed (a snapshot or a delta came back). */
  readonly fleetRounds: number;
  readonly rateLimited: number;
  readonly otherErrors: number;
  readonly dataFrames: number;
  readonly framesReceived: number;
  readonly bytesReceived: number;
  /** Largest single frame received, bytes. */
  readonly largestFrame: number;
  readonly elapsedMs: number;
  /** CPU time of the viewers' process over the run, ms. */
  readonly cpuMs: number;
}

interface Frame {
  readonly type: string;
  readonly topic?: string;
  readonly code?: string;
  readonly retryAfterMs?: number;
  readonly page?: number;
  readonly pages?: number;
}

const FLEET = 'fleet';
const DATA_PREFIX = Buffer.from('{"type":"data",');
const OPEN_TIMEOUT_MS = 10_000;
/** Viewers connect a few at a time, as browsers would, not all in one burst. */
const CONNECT_BATCH = 20;
const MAX_RETRY_MS = 2_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

class Counters {
  subscribesSent = 0;
  deviceSnapshots = 0;
  fleetSnapshots = 0;
  fleetPages = 0;
  fleetDeltas = 0;
  fleetRounds = 0;
  rateLimited = 0;
  otherErrors = 0;
  dataFrames = 0;
  framesReceived = 0;
  bytesReceived = 0;
  largestFrame = 0;
  readonly closedByServer: Record<string, number> = {};
}

class Viewer {
  private socket: WebSocket | null = null;
  private rounds = 0;
  private closing = false;
  connected = false;

  constructor(
    private readonly options: LiveViewersLoadOptions,
    private readonly index: number,
    private readonly counters: Counters,
    private readonly loadEndsAt: () => number,
  ) {}

  open(): Promise<void> {
    // The server's frames are trusted here: validating UTF-8 would only add to the viewers' CPU.
    const socket = new WebSocket(this.options.url, {
      headers: this.options.headers[this.index],
      skipUTF8Validation: true,
    });
    this.socket = socket;
    socket.on('message', (data: Buffer, isBinary) => this.onFrame(data, isBinary));
    socket.on('close', (code) => {
      if (!this.closing) this.counters.closedByServer[code] = (this.counters.closedByServer[code] ?? 0) + 1;
    });
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => resolve(), OPEN_TIMEOUT_MS);
      socket.once('open', () => {
        clearTimeout(timer);
        this.connected = true;
        resolve();
      });
      socket.once('error', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** The topics of a first page load: the fleet, then the devices. */
  subscribeAll(): void {
    this.subscribe(FLEET);
    const ids = this.options.deviceIds;
    const start = (this.index * this.options.topicsPerViewer) % ids.length;
    for (let k = 0; k < this.options.topicsPerViewer; k++) this.subscribe(`device:${ids[(start + k) % ids.length]}`);
  }

  close(): void {
    this.closing = true;
    this.socket?.terminate();
  }

  private subscribe(topic: string): void {
    this.send({ type: 'subscribe', topic });
    this.counters.subscribesSent++;
  }

  private send(message: object): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private onFrame(data: Buffer, isBinary: boolean): void {
    const c = this.counters;
    c.framesReceived++;
    c.bytesReceived += data.length;
    if (data.length > c.largestFrame) c.largestFrame = data.length;
    if (isBinary) return;
    // Data frames are most of the traffic and need no parsing to be counted.
    if (data.subarray(0, DATA_PREFIX.length).equals(DATA_PREFIX)) {
      c.dataFrames++;
      return;
    }
    const frame = JSON.parse(data.toString()) as Frame;
    if (frame.type === 'snapshot' && frame.topic === FLEET) {
      c.fleetPages++;
      // A frame without pages is a whole snapshot (the feed before paging).
      if ((frame.page ?? 1) === (frame.pages ?? 1)) {
        c.fleetSnapshots++;
        this.fleetAnswered();
      }
    } else if (frame.type === 'delta' && frame.topic === FLEET) {
      c.fleetDeltas++;
      this.fleetAnswered();
    } else if (frame.type === 'snapshot') {
      c.deviceSnapshots++;
    } else if (frame.type === 'error') {
      if (frame.code !== 'RATE_LIMITED' || frame.topic === undefined) {
        c.otherErrors++;
        return;
      }
      c.rateLimited++;
      const topic = frame.topic;
      const wait = Math.min(MAX_RETRY_MS, Math.max(1, frame.retryAfterMs ?? 100));
      if (Date.now() + wait < this.loadEndsAt()) setTimeout(() => this.subscribe(topic), wait).unref();
    }
  }

  /** The hostile part: as soon as the fleet answers, ask for it again. */
  private fleetAnswered(): void {
    this.counters.fleetRounds++;
    this.rounds++;
    if (this.rounds >= this.options.maxFleetRounds || Date.now() >= this.loadEndsAt()) return;
    this.send({ type: 'unsubscribe', topic: FLEET });
    this.subscribe(FLEET);
  }
}

export async function runLiveViewers(options: LiveViewersLoadOptions): Promise<LiveViewersLoadResult> {
  const counters = new Counters();
  const started = Date.now();
  const cpu = process.cpuUsage();
  // Connecting is part of the load: the first viewers loop while the last ones connect.
  const endsAt = started + options.loadMs;
  const viewers = Array.from(
    { length: options.headers.length },
    (_, i) => new Viewer(options, i, counters, () => endsAt),
  );
  try {
    for (let i = 0; i < viewers.length && Date.now() < endsAt; i += CONNECT_BATCH) {
      const batch = viewers.slice(i, i + CONNECT_BATCH);
      await Promise.all(batch.map((v) => v.open()));
      for (const v of batch) {
        if (v.connected) v.subscribeAll();
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    // Every viewer stops on its own after its rounds; wait for the time or for all of them.
    const allRounds = viewers.length * options.maxFleetRounds;
    while (Date.now() < endsAt && counters.fleetRounds < allRounds) await sleep(50);
  } finally {
    for (const v of viewers) v.close();
  }
  return {
    viewers: viewers.length,
    connected: viewers.filter((v) => v.connected).length,
    closedByServer: counters.closedByServer,
    subscribesSent: counters.subscribesSent,
    deviceSnapshots: counters.deviceSnapshots,
    fleetSnapshots: counters.fleetSnapshots,
    fleetPages: counters.fleetPages,
    fleetDeltas: counters.fleetDeltas,
    fleetRounds: counters.fleetRounds,
    rateLimited: counters.rateLimited,
    otherErrors: counters.otherErrors,
    dataFrames: counters.dataFrames,
    framesReceived: counters.framesReceived,
    bytesReceived: counters.bytesReceived,
    largestFrame: counters.largestFrame,
    elapsedMs: Date.now() - started,
    cpuMs: (({ user, system }) => (user + system) / 1000)(process.cpuUsage(cpu)),
  };
}
