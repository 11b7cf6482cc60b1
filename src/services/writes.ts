// One Modbus write to an online device, through the queue its polls use, answered as a
// plain outcome: the caller never sees a transaction, its buffers or the gateway's errors.
import { DeviceNotOnlineError } from '../gateway/gateway.js';
import { exceptionName } from '../protocol/modbus/exceptions.js';
import type { WriteOutcome } from '../domain/write-outcome.js';
import type { WriteCommand } from '../protocol/modbus/write-command.js';
import { writablePoints, writePoint, type PointWriteOutcome, type PointWriteRequest } from './point-writes.js';
import type { Runtime } from './runtime.js';

export type { WriteCommand };
export type { PointWriteOutcome, PointWriteRequest, ReadBack, WritablePoint } from './point-writes.js';

export type { WriteOutcome };

export class WritesService {
  constructor(private readonly rt: Runtime) {}

  /** The device's points as the write form offers them (404 for an unknown device). */
  points(deviceId: string) {
    return writablePoints(this.rt, deviceId);
  }

  /** A write by point name in engineering units, read back at once (point-writes.ts). */
  writePoint(deviceId: string, request: PointWriteRequest): Promise<PointWriteOutcome<WriteOutcome>> {
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
