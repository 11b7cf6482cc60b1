// Public surface of the DTU simulator.
export { SimulatedDtu, type DtuState } from './simulated-dtu.js';
export { SimulatorFleet, startFleet, type FleetOptions, type FleetStats } from './fleet.js';
export type {
  DtuCounters,
  DtuFaults,
  PushBlock,
  ServedHook,
  SimulatedDtuOptions,
  TargetAddress,
} from './dtu-options.js';
export { RegisterModel, spaceOf } from './register-model.js';
export { registrationBytes, simulatedId } from './registration.js';
export { encodePointValue, engineeringValue, rawFor } from './point-encoding.js';
export { waveformFor, sampleWaveform, type Waveform } from './waveform.js';
export { parseRequest, readRequestFrame, type SlaveRequest } from './slave-request.js';
export { simulatorScheduler } from './scheduler.js';
export type { MeterFaults, MeterServedHook, SimulatedMeter } from './meter-bus.js';
export { ListeningServer, type ServerCounters, type ServerFaults, type SimServerOptions } from './listening-server.js';
export { ModbusTcpServer, startModbusTcpServer, type ModbusTcpServerOptions } from './modbus-tcp-server.js';
export { RtuOverTcpServer, startRtuOverTcpServer, type RtuOverTcpServerOptions } from './rtu-tcp-server.js';
