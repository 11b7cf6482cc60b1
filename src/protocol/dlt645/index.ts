// Public API of the DL/T 645 (2007 and 1997) codec: pure functions on bytes, no IO. DTU
// links poll meters with it (protocol/dtu/meter-stream.ts, polling/meter-polls.ts).

export { BROADCAST_ADDRESS, WILDCARD_ADDRESS, formatAddress, parseMeterAddress, type AddressParse } from './address.js';
export { checkAnswer, type Dlt645Answer, type Dlt645MismatchReason } from './answer.js';
export { decodeBcd, encodeBcd, type BcdFormat, type BcdResult } from './bcd.js';
export { FUNCTIONS, identifierLength, parseControl, type ControlCode, type Dlt645Version } from './control.js';
export { dlt645Expectation, isDlt645Expectation, type Dlt645Expectation } from './expectation.js';
export { decodeErrorStatus, type Dlt645ErrorReason } from './errors.js';
export {
  DATA_OFFSET,
  DEFAULT_PREAMBLE,
  FRAME_START,
  HEADER_LENGTH,
  WAKE_UP,
  unmaskData,
  MAX_DATA_LENGTH,
  MAX_FRAME_LENGTH,
  MAX_PREAMBLE,
  checksum,
  encodeFrame,
  type FrameParts,
} from './frame.js';
export {
  DLT645_IDENTIFIERS,
  formatIdentifier,
  identifierByCode,
  identifierByName,
  type Dlt645Identifier,
  type Dlt645ValueKind,
} from './identifiers.js';
export {
  encodeRequest,
  identifierBytes,
  readIdentifier,
  readRequest,
  writeRequest,
  type Dlt645Request,
  type MeterPassword,
  type MeterTime,
} from './request.js';
export {
  Dlt645Splitter,
  MAX_BUFFERED,
  frameEndingAt,
  scanFrame,
  type FrameScan,
  type Dlt645Frame,
  type Dlt645MalformedReason,
  type Dlt645StreamItem,
} from './stream.js';
export { decodeValue, type Dlt645ValueResult } from './values.js';
