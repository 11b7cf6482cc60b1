// One Modbus write to an online device, through the queue its polls use, answered as a
// plain outcome: the caller never sees a transaction, its buffers or the gateway's errors.
import { DeviceNotOnlineError } from '../gateway/gateway.js';
import { exceptionName } from '../protocol/modbus/exceptions.js';
import type { WriteOutcome } from '../domain/write-outcome.js';
import type { WriteCommand } from '../protocol/modbus/write-command.js';
import { writablePoints, writePoint, type PointWriteOutcome, type PointWriteRequest } from './point-writes.js';
import type { Runtime } from './runtime.js';
import { channelWritablePoints, writeChannelPoint, type ChannelWriteFailure } from './channel-point-writes.js';
import { ServiceError } from './errors.js';

export type { WriteCommand };
export type { PointWriteOutcome, PointWriteRequest, ReadBack, WritablePoint } from './point-writes.js';

export type { WriteOutcome };

export class WritesService {
  constructor(private readonly rt: Runtime) {}

  /** The device's points as the write form offers them (404 for an unknown device). */
  async points(deviceId: string) {
    return channelWritablePoints(this.rt, deviceId) ?? writablePoints(this.rt, deviceId);
  }

  /** A write by point name in engineering units, read back at once (point-writes.ts). */
  async writePoint(deviceId: string, request: PointWriteRequest): Promise<PointWriteOutcome<WriteOutcome>> {
    // A device an MC or S7 channel feeds is written by the channel itself (channel-point-writes.ts).
    const viaChannel = await writeChannelPoint<WriteOutcome>(this.rt, deviceId, request, channelFailure);
    if (viaChannel === 'unknown-point')
      throw new ServiceError('POINT_NOT_FOUND', `device ${deviceId} has no point ${request.point}`);
    if (viaChannel) return viaChannel;
    return writePoint(this.rt, deviceId, request, (command) => this.write(deviceId, command));
  }

  async write(deviceId: string, command: WriteCommand): Promise<WriteOutcome> {
    let outcome;
    try {
      outcome = await this.rt.write(deviceId, command);
    } catch (err) {
      if (err instanceof DeviceNotOnlineError) return { kind: 'not-online' };
      throw err;
    }
    switch (outcome.kind) {
      case 'ok':
        return { kind: 'ok', at: outcome.at };
      case 'exception':
        return { kind: 'exception', code: outcome.code, name: exceptionName(outcome.code) };
      case 'timeout':
        return { kind: 'timeout', attempts: outcome.attempts };
      case 'bad-response':
      case 'closed':
        return { kind: outcome.kind };
    }
  }
}

/** A channel write that failed, as a raw write's outcome (the API answers both alike). */
function channelFailure(outcome: ChannelWriteFailure): Exclude<WriteOutcome, { kind: 'ok' }> {
  switch (outcome.failure) {
    case 'answered':
      return { kind: 'refused', message: outcome.reason };
    case 'timeout':
      return { kind: 'timeout', attempts: 1 };
    case 'closed':
      return { kind: 'closed' };
    case 'bad-response':
      return { kind: 'bad-response' };
    case 'not-online':
      return { kind: 'not-online' };
  }
}
