// Public API of the Modbus RTU codec: pure functions on bytes, no IO.

export { crc16, hasValidCrc, writeCrc } from './crc.js';
export * from './functions.js';
export { MODBUS_EXCEPTIONS, describeException, exceptionName, type ModbusExceptionInfo } from './exceptions.js';
export {
  encodeReadRequest,
  encodeWriteMultipleCoils,
  encodeWriteMultipleRegisters,
  encodeWriteSingleCoil,
  encodeWriteSingleRegister,
  parseRequest,
  scanRequest,
  type ModbusRequest,
  type RequestScan,
} from './request.js';
export { encodeWriteCommand, type WriteCommand } from './write-command.js';
export { checkResponse, expectationFor, expectedLength, type Expectation, type ResponseCheck } from './response.js';
export { scanUnsolicited, type UnsolicitedScan } from './unsolicited.js';
export { encodeBitsResponse, encodeExceptionResponse, encodeRegistersResponse, encodeWriteResponse } from './reply.js';
export { decodePoint, registersFor, type DecodedValue } from './values.js';
export { encodePointValue } from './value-encoding.js';
export { applyScale, roundTo } from './scaling.js';
export {
  MAX_ADU_LENGTH,
  MBAP_HEADER_LENGTH,
  MODBUS_PROTOCOL_ID,
  MbapSplitter,
  checkMbapResponse,
  encodeMbapRequest,
  mbapTransactionId,
  type MbapMismatchReason,
  type MbapResponseCheck,
  type MbapSplit,
  type MbapSplitError,
} from './mbap.js';
