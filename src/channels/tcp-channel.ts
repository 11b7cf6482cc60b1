// A channel whose peer is one TCP host and port (Modbus TCP, RTU over TCP, MC): its target
// and remote are that address, and each attempt opens one socket to it.
import type { Socket } from 'node:net';
import type { ChannelConfig } from '../domain/channels.js';
import type { Remote } from '../domain/events.js';
import { Channel } from './channel.js';
import type { ChannelLink } from './channel-types.js';
import { connectTcp } from './tcp-connect.js';

type TcpChannelConfig = ChannelConfig & {
  readonly host: string;
  readonly port: number;
  readonly connectTimeoutMs: number;
};

export abstract class TcpChannel<C extends TcpChannelConfig> extends Channel<C> {
  get target(): string {
    return `${this.config.host}:${this.config.port}`;
  }

  protected remote(): Remote {
    return { ip: this.config.host, port: this.config.port, listener: this.config.name };
  }

  /** The attempt's socket, connected within connectTimeout (cancelled with the attempt). */
  protected connectPeer(link: ChannelLink): Promise<Socket> {
    const { config } = this;
    return connectTcp(config.host, config.port, config.connectTimeoutMs, link.signal);
  }
}
