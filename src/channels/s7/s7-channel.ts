// Siemens S7 channel: connects to the CPU by rack and slot over ISO-on-TCP, reads all of its
// tags together every `every` (start to start, never two reads at once), maps each to a
// sample of its point, and writes tags by name for the API. A tag the PLC refuses (no such
// DB, an address past its end) is a collect error for that tag; the others are stored. A
// read or write that fails outright drops the connection: backoff, then reconnect.
import type { S7ChannelConfig } from '../../domain/channels.js';
import type { Remote } from '../../domain/events.js';
import type { Sample } from '../../domain/point.js';
import type { S7Tag } from '../../domain/s7.js';
import { fromPlc } from '../../protocol/s7/value.js';
import { Channel, type ChannelDeps, type ChannelLink, type OpenLink } from '../channel.js';
import { mappedSample, valueMapper, type ValueMapper } from '../mapped-value.js';
import type { ChannelPointWrite } from '../channel-types.js';
import { PollLoop } from '../poll-loop.js';
import { writeS7Tag, type S7TagValue, type S7WriteOutcome } from './s7-point-write.js';
import { S7NoAnswer, S7Session, type TagRead } from './s7-session.js';

/** Profile label of devices fed by an S7 channel (devices.profile). */
export const S7_PROFILE = 's7';

export class S7Channel extends Channel<S7ChannelConfig> {
  private readonly mappers: ReadonlyMap<string, ValueMapper>;
  /** The current connection, while connected: writes go through it, between polls. */
  private session: S7Session | null = null;
  /** Tags whose refusal was logged during this connection: the log gets one line per tag, the counters every one. */
  private readonly warned = new Set<string>();

  constructor(config: S7ChannelConfig, deps: ChannelDeps) {
    super(config, deps);
    this.mappers = new Map(config.tags.map((t) => [t.name, valueMapper(t)]));
  }

  get target(): string {
    return `${this.config.host}:${this.config.port}`;
  }

  protected remote(): Remote {
    return { ip: this.config.host, port: this.config.port, listener: this.config.name };
  }

  protected async open(link: ChannelLink): Promise<OpenLink> {
    const session = await S7Session.open(this.config, link.signal, (err) => link.lost(err));
    // The first read decides whether the CPU answers; its samples are published once connected.
    let first: ReadResult;
    try {
      first = await this.readAll(session);
    } catch (err) {
      await session.close();
      throw err;
    }
    const loop = new PollLoop(
      this.config.everyMs,
      () => this.now(),
      () =>
        this.readAll(session).then(
          (result) => this.deliver(link, result),
          // The session has reported the loss through link.lost already.
          () => undefined,
        ),
      () => link.active,
    );
    return {
      connected: () => {
        this.warned.clear();
        this.session = session;
        link.deviceOnline(this.config.device, S7_PROFILE);
        this.deliver(link, first);
        loop.start();
      },
      close: async () => {
        if (this.session === session) this.session = null;
        // No poll starts from here on; closing the session ends the one in flight at once.
        const stopped = loop.stop();
        await session.close();
        await stopped;
      },
    };
  }

  /**
   * Writes a tag by name in engineering units and reads it back (s7-point-write.ts); null when
   * this channel does not feed the device. Planned from config, so a dry run needs no connection.
   */
  override writePoint(
    deviceId: string,
    point: string,
    value: number | boolean,
    dryRun: boolean,
  ): Promise<ChannelPointWrite> | null {
    if (deviceId !== this.config.device) return null;
    const access = {
      writeTag: (tag: S7Tag, plc: number | boolean) => this.writeTag(tag, plc),
      readTag: (tag: S7Tag) => this.readTag(tag),
    };
    return writeS7Tag(access, this.config.tags, point, value, dryRun);
  }

  /** Writes a tag (`plc`: the value in nodes7's terms, planned by protocol/s7/value.ts). */
  private async writeTag(tag: S7Tag, plc: number | boolean): Promise<S7WriteOutcome> {
    const session = this.session;
    if (this.state !== 'connected' || !session) return { kind: 'not-online' };
    try {
      const refused = await session.write(tag, plc);
      if (refused !== null) {
        this.log.warn({ tag: tag.name, address: tag.addressText, problem: refused }, 's7 write refused');
        return { kind: 'refused', message: refused };
      }
      return { kind: 'ok', at: this.now() };
    } catch (err) {
      const failure = err instanceof S7NoAnswer ? 'timeout' : 'closed';
      return { kind: 'failed', failure, message: err instanceof Error ? err.message : String(err) };
    }
  }

  /** One tag's value now, read through the same connection (what a write is checked with). */
  private async readTag(tag: S7Tag): Promise<S7TagValue> {
    const session = this.session;
    if (this.state !== 'connected' || !session) return { error: 'not-online' };
    try {
      const reads = await session.read();
      const read = reads.get(tag.name);
      const at = this.now();
      if (!read?.ok) return { error: read?.problem ?? 'not read' };
      const mapped = this.sample(tag.name, read, at);
      return 'problem' in mapped ? { error: mapped.problem } : { value: mapped.value, raw: mapped.raw, at };
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) };
    }
  }

  private async readAll(session: S7Session): Promise<ReadResult> {
    const polledAt = this.now();
    const reads = await session.read();
    const at = this.now();
    const samples: Sample[] = [];
    const problems: string[] = [];
    for (const tag of this.config.tags) {
      const mapped = this.sample(tag.name, reads.get(tag.name) ?? { ok: false, problem: 'not read' }, at);
      if ('problem' in mapped) problems.push(`${tag.name} (${tag.addressText}): ${mapped.problem}`);
      else samples.push(mapped);
    }
    return { samples, problems, polledAt, at };
  }

  private sample(name: string, read: TagRead, at: number): Sample | { problem: string } {
    if (!read.ok) return { problem: read.problem };
    const mapper = this.mappers.get(name)!;
    const tag = mapper.point as S7Tag;
    const reading = mapper.map(fromPlc(tag.type, read.value));
    if (reading === 'missing' || reading === 'not-a-value') return { problem: `unreadable value for ${tag.type}` };
    return mappedSample(this.config.device, name, reading, at);
  }

  private deliver(link: ChannelLink, result: ReadResult): void {
    for (const problem of result.problems) {
      link.collectFailed(problem);
      const tag = problem.slice(0, problem.indexOf(' ('));
      if (!this.warned.has(tag)) {
        this.warned.add(tag);
        this.log.warn({ target: this.target, problem }, 's7 tag not read (logged once per tag and connection)');
      }
    }
    link.publish(this.config.device, S7_PROFILE, result.samples, result.polledAt, result.at);
  }
}

interface ReadResult {
  readonly samples: Sample[];
  /** One line per tag that could not be stored, for the counters, the last error and the log. */
  readonly problems: string[];
  readonly polledAt: number;
  readonly at: number;
}
