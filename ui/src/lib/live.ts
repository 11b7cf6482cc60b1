// One WebSocket to /api/live for the whole app. Pages subscribe to topics ('fleet',
// 'device:<id>') with a handler; the socket reconnects with a growing delay and subscribes
// again, and a topic is unsubscribed when its last handler leaves. The fleet's pages and
// deltas reach handlers as whole snapshots; a subscription the server refused as
// RATE_LIMITED is asked for again when it says.
import { useEffect, useRef, useState } from 'preact/hooks';
import { openAlarms } from './alarms.js';
import { FleetAssembly, isFleetFrame } from './fleet-assembly.js';
import type { LiveFrame } from './types.js';

export type LiveState = 'connecting' | 'connected' | 'offline';
type Handler = (frame: LiveFrame) => void;

const SESSION_ENDED = 4001;
const FLEET_TOPIC = 'fleet';

class LiveFeed {
  private socket: WebSocket | null = null;
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly stateListeners = new Set<(state: LiveState) => void>();
  private retryMs = 1000;
  private retryTimer: number | null = null;
  private pingTimer: number | null = null;
  private wanted = false;
  private readonly fleet = new FleetAssembly();
  state: LiveState = 'offline';
  /** Called when the server closes the feed because the login session ended. */
  onSessionEnded: () => void = () => undefined;

  start(): void {
    this.wanted = true;
    if (!this.socket) this.open();
  }

  stop(): void {
    this.wanted = false;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    if (this.pingTimer !== null) clearInterval(this.pingTimer);
    this.socket?.close(1000);
    this.socket = null;
    this.setState('offline');
  }

  subscribe(topic: string, handler: Handler): () => void {
    let set = this.handlers.get(topic);
    if (!set) {
      set = new Set();
      this.handlers.set(topic, set);
      this.send({ type: 'subscribe', topic });
      this.tellAlarms();
    }
    set.add(handler);
    return () => {
      const current = this.handlers.get(topic);
      if (!current) return;
      current.delete(handler);
      if (current.size === 0) {
        this.handlers.delete(topic);
        this.send({ type: 'unsubscribe', topic });
        this.tellAlarms();
      }
    };
  }

  onState(listener: (state: LiveState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  private open(): void {
    this.setState('connecting');
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}/api/live`);
    this.socket = socket;
    socket.onopen = () => {
      this.retryMs = 1000;
      this.fleet.reset();
      this.setState('connected');
      for (const topic of this.handlers.keys()) this.send({ type: 'subscribe', topic });
      // Our own pings keep proxies from closing a quiet link.
      this.pingTimer = window.setInterval(() => this.send({ type: 'ping' }), 25_000);
    };
    socket.onmessage = (event) => {
      let frame: LiveFrame;
      try {
        frame = JSON.parse(String(event.data)) as LiveFrame;
      } catch {
        return;
      }
      const topic = 'topic' in frame ? frame.topic : undefined;
      if (!topic) return;
      if (frame.type === 'alarms') openAlarms.changed();
      if (frame.type === 'error' && frame.code === 'RATE_LIMITED') {
        this.retryLater(topic, frame.retryAfterMs ?? 1000);
        return;
      }
      if (isFleetFrame(frame)) {
        const whole = this.fleet.apply(frame);
        if (!whole) return;
        frame = whole;
      }
      const delivered = frame;
      this.handlers.get(topic)?.forEach((h) => h(delivered));
    };
    socket.onclose = (event) => {
      if (this.pingTimer !== null) clearInterval(this.pingTimer);
      this.pingTimer = null;
      if (this.socket !== socket) return;
      this.socket = null;
      this.setState('offline');
      if (event.code === SESSION_ENDED) {
        this.wanted = false;
        this.onSessionEnded();
        return;
      }
      if (!this.wanted) return;
      this.retryTimer = window.setTimeout(() => this.open(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 30_000);
    };
  }

  /** Subscribes again after the server's wait, if a page still wants the topic then. */
  private retryLater(topic: string, afterMs: number): void {
    const socket = this.socket;
    window.setTimeout(
      () => {
        if (this.socket === socket && this.handlers.has(topic)) this.send({ type: 'subscribe', topic });
      },
      Math.min(Math.max(afterMs, 100), 30_000),
    );
  }

  private send(message: object): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private setState(state: LiveState): void {
    this.state = state;
    this.stateListeners.forEach((l) => l(state));
    this.tellAlarms();
  }

  /** The fleet topic carries an `alarms` frame for every change: while it flows, no need to poll. */
  private tellAlarms(): void {
    openAlarms.followLive(this.state === 'connected' && this.handlers.has(FLEET_TOPIC));
  }
}

export const live = new LiveFeed();

/** Calls `handler` with every frame of `topic` while the component is mounted. */
export function useLiveTopic(topic: string | null, handler: Handler): void {
  // The handler may change every render; the subscription follows the topic only.
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    if (!topic) return;
    return live.subscribe(topic, (frame) => latest.current(frame));
  }, [topic]);
}

export function useLiveState(): LiveState {
  const [state, setState] = useState(live.state);
  useEffect(() => live.onState(setState), []);
  return state;
}
