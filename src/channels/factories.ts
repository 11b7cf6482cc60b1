// Which class collects for which channel type, and what each needs from the app.
import type { PointsConfig } from '../domain/config.js';
import type { Gateway } from '../gateway/gateway.js';
import type { CollectorFactories } from './channel-manager.js';
import type { CollectorDeps } from './collector.js';
import { HttpCollector } from './http/http-collector.js';
import { ModbusTcpCollector } from './modbus-tcp/modbus-tcp-collector.js';
import { MqttCollector } from './mqtt/mqtt-collector.js';
import { OpcuaCollector } from './opcua/opcua-collector.js';
import { RtuOverTcpCollector } from './rtu-over-tcp/rtu-over-tcp-collector.js';

export interface ChannelServices extends CollectorDeps {
  readonly points: PointsConfig;
  readonly gateway: Gateway;
}

export const COLLECTOR_FACTORIES: CollectorFactories<ChannelServices> = {
  http: (config, services) => new HttpCollector(config, services),
  'modbus-tcp': (config, services) => new ModbusTcpCollector(config, services),
  'rtu-over-tcp': (config, services) => new RtuOverTcpCollector(config, services),
  mqtt: (config, services) => new MqttCollector(config, services),
  opcua: (config, services) => new OpcuaCollector(config, services),
};
