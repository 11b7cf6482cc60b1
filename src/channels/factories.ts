// Which class collects for which channel type, and what each needs from the app.
import type { PointsConfig } from '../domain/config.js';
import type { Gateway } from '../gateway/gateway.js';
import type { ChannelFactories } from './channel-manager.js';
import type { ChannelDeps } from './channel.js';
import { HttpChannel } from './http/http-channel.js';
import { McChannel } from './mc/mc-channel.js';
import { ModbusTcpChannel } from './modbus-tcp/modbus-tcp-channel.js';
import { MqttChannel } from './mqtt/mqtt-channel.js';
import { OpcuaChannel } from './opcua/opcua-channel.js';
import { RtuOverTcpChannel } from './rtu-over-tcp/rtu-over-tcp-channel.js';
import { S7Channel } from './s7/s7-channel.js';

export interface ChannelServices extends ChannelDeps {
  readonly points: PointsConfig;
  readonly gateway: Gateway;
}

export const CHANNEL_FACTORIES: ChannelFactories<ChannelServices> = {
  http: (config, services) => new HttpChannel(config, services),
  'modbus-tcp': (config, services) => new ModbusTcpChannel(config, services),
  'rtu-over-tcp': (config, services) => new RtuOverTcpChannel(config, services),
  mqtt: (config, services) => new MqttChannel(config, services),
  opcua: (config, services) => new OpcuaChannel(config, services),
  mc: (config, services) => new McChannel(config, services),
  s7: (config, services) => new S7Channel(config, services),
};
