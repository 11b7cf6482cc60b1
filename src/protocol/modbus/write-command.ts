// A Modbus write as callers say it (function, slave, address, value or values) and its RTU
// request: one shape for every path a write can take (a DTU session, a Modbus TCP channel).
import {
  encodeWriteMultipleCoils,
  encodeWriteMultipleRegisters,
  encodeWriteSingleCoil,
  encodeWriteSingleRegister,
} from './request.js';

export type WriteCommand =
  | { readonly fn: 5; readonly slave: number; readonly address: number; readonly value: boolean }
  | { readonly fn: 6; readonly slave: number; readonly address: number; readonly value: number }
  | { readonly fn: 15; readonly slave: number; readonly address: number; readonly values: readonly boolean[] }
  | { readonly fn: 16; readonly slave: number; readonly address: number; readonly values: readonly number[] };

/** The RTU request (CRC included) for a write. */
export function encodeWriteCommand(command: WriteCommand): Uint8Array {
  switch (command.fn) {
    case 5:
      return encodeWriteSingleCoil(command.slave, command.address, command.value);
    case 6:
      return encodeWriteSingleRegister(command.slave, command.address, command.value);
    case 15:
      return encodeWriteMultipleCoils(command.slave, command.address, command.values);
    case 16:
      return encodeWriteMultipleRegisters(command.slave, command.address, command.values);
  }
}
