// What the API shows of any DTU listener (TCP or UDP) and the bookkeeping of its starts.
import type { LinkConfig, ListenerConfig } from '../domain/config.js';
import type { SessionContext } from './session-types.js';

export type ListenerState = 'stopped' | 'running' | 'error';

export abstract class ListenerBase {
  state: ListenerState = 'stopped';
  lastError: string | null = null;
  boundPort: number | null = null;
  /** Times started again after the first start (supervision from the API). */
  restarts = 0;
  startedAt: number | null = null;
  private everStarted = false;

  constructor(
    readonly config: ListenerConfig,
    /** Tried in order on each connection (one port, mixed fleets). */
    protected readonly links: readonly LinkConfig[],
    protected readonly ctx: SessionContext,
  ) {}

  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;
  /** Stops taking DTUs and frees the port at once (a reload moved the listener). */
  abstract detach(): unknown;

  protected bindFailed(err: Error): Error {
    this.state = 'error';
    this.lastError = err.message;
    const { name, host, port } = this.config;
    return new Error(`listener ${name} cannot listen on ${host}:${port}: ${err.message}`);
  }

  protected running(port: number): void {
    this.boundPort = port;
    this.state = 'running';
    this.lastError = null;
    this.startedAt = this.ctx.clock.now();
    if (this.everStarted) this.restarts++;
    this.everStarted = true;
    const { name, host, links, protocol } = this.config;
    this.ctx.log.info({ listener: name, protocol, host, port, links }, 'listening for DTUs');
  }

  protected stopped(): void {
    this.state = 'stopped';
    this.startedAt = null;
  }

  protected failed(err: Error): void {
    this.lastError = err.message;
    this.ctx.log.error({ err, listener: this.config.name }, 'listener error');
  }
}
