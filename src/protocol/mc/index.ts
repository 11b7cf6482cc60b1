// Public API of the Mitsubishi MC protocol codec (3E and 4E frames, binary and ASCII): pure
// functions on bytes, no IO. Used by channels/mc and, written apart, not by the simulator.
export { formatMcAddress, parseMcAddress, type McAddress, type McAddressParse } from './address.js';
export { MC_DEVICE_KINDS, type McDeviceKind } from './devices.js';
export {
  MAX_BIT_POINTS,
  MAX_SERIAL,
  MAX_WORD_POINTS,
  MC_COMMAND,
  OWN_STATION,
  encodeRequest,
  type McDestination,
  type McFrameFormat,
  type McFrameType,
  type McRequest,
  type McUnit,
} from './frame.js';
export { planReads, type McReadBlock } from './plan.js';
export { formatEndCode, parseResponse, readAnswer, type McAnswer, type McResponse } from './response.js';
export { McResponseSplitter, type McStreamItem } from './stream.js';
export { TYPE_RANGES, decodeValue, encodeValue, rawHex, valueSize } from './values.js';
export { isTagWriteProblem, planTagWrite, type PlannedTagWrite, type TagWritePlan } from './tag-write.js';
