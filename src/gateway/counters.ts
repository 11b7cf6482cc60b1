// Gateway-wide counters: every discarded byte run, stray frame and failed transaction is
// counted here (and logged), so bad input is visible without reading logs.

import type { DiscardReason } from '../protocol/dtu/stream-parser.js';

export interface GatewayCounters {
  connectionsAccepted: number;
  connectionsRefused: number;
  /** Connections closed on accept: their address kept failing to register. */
  /** A UDP DTU's registration came from a new address (NAT rebinding): its session moved there. */
  udpAddressChanges: number;
  connectionsThrottled: number;
  registrations: number;
  registrationFailures: number;
  registrationTimeouts: number;
  rejectedUnknown: number;
  rejectedDuplicate: number;
  /** Registrations of a device the registry marks disabled. */
  rejectedDisabled: number;
  replaced: number;
  heartbeats: number;
  heartbeatsInsideResponse: number;
  heartbeatPatternInData: number;
  heartbeatTimeouts: number;
  requestsSent: number;
  responses: number;
  exceptions: number;
  timeouts: number;
  /** Answers matched to their request whose handling failed (a bug): the answer is dropped. */
  answersDropped: number;
  badCrc: number;
  strayFrames: number;
  garbageBytes: number;
  garbageRuns: number;
  overflows: number;
  unknownTypedMessages: number;
  typedDataMessages: number;
  unsolicitedFrames: number;
  unsolicitedUnmatched: number;
  bytesIn: number;
  bytesOut: number;
  /** Packets of a kind `recordRawPackets` keeps that a connection's byte budget left out. */
  packetsNotRecorded: number;
}

export function newCounters(): GatewayCounters {
  return {
    connectionsAccepted: 0,
    connectionsRefused: 0,
    udpAddressChanges: 0,
    connectionsThrottled: 0,
    registrations: 0,
    registrationFailures: 0,
    registrationTimeouts: 0,
    rejectedUnknown: 0,
    rejectedDuplicate: 0,
    rejectedDisabled: 0,
    replaced: 0,
    heartbeats: 0,
    heartbeatsInsideResponse: 0,
    heartbeatPatternInData: 0,
    heartbeatTimeouts: 0,
    requestsSent: 0,
    responses: 0,
    exceptions: 0,
    timeouts: 0,
    answersDropped: 0,
    badCrc: 0,
    strayFrames: 0,
    garbageBytes: 0,
    garbageRuns: 0,
    overflows: 0,
    unknownTypedMessages: 0,
    typedDataMessages: 0,
    unsolicitedFrames: 0,
    unsolicitedUnmatched: 0,
    bytesIn: 0,
    bytesOut: 0,
    packetsNotRecorded: 0,
  };
}

/** Counts a run of input the parser threw away, by why. */
export function countDiscard(counters: GatewayCounters, reason: DiscardReason, bytes: number): void {
  if (reason === 'stray-frame') counters.strayFrames++;
  else if (reason === 'overflow') counters.overflows++;
  else if (reason === 'unknown-type') counters.unknownTypedMessages++;
  else {
    counters.garbageRuns++;
    counters.garbageBytes += bytes;
  }
}
