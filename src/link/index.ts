// The Modbus link layer: what gateway/ (DTU sessions), channels/ (Modbus TCP) and polling/
// share. It knows codecs and timing, never sockets or the devices behind them.
export { monotonicClock, systemClock, type Clock } from '../clock.js';
export { TickScheduler, type TickJob } from './tick-scheduler.js';
export { transactOn, type ModbusTransport, type Transaction, type TransactionOutcome } from './transaction.js';
export { TransactionQueue, type TransactionLink } from './transaction-queue.js';
