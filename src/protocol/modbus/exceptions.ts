// Modbus exception codes (Modbus Application Protocol v1.1b3, section 7). A slave answers
// with one of these instead of data; the gateway records the name, and the meaning is
// what an operator sees when a poll keeps failing.

export interface ModbusExceptionInfo {
  readonly code: number;
  readonly name: string;
  readonly meaning: string;
}

const KNOWN: readonly ModbusExceptionInfo[] = [
  { code: 1, name: 'illegal function', meaning: 'the slave does not support this function code' },
  { code: 2, name: 'illegal data address', meaning: 'the address range is not valid for this slave' },
  { code: 3, name: 'illegal data value', meaning: 'a value or the quantity in the request is not acceptable' },
  { code: 4, name: 'server device failure', meaning: 'the slave failed while performing the request' },
  { code: 5, name: 'acknowledge', meaning: 'the request was accepted but takes long; poll again later' },
  { code: 6, name: 'server device busy', meaning: 'the slave is busy with a long-running command; retry later' },
  { code: 8, name: 'memory parity error', meaning: 'the slave found a parity error in its file memory' },
  { code: 10, name: 'gateway path unavailable', meaning: 'the Modbus gateway has no path to the target' },
  {
    code: 11,
    name: 'gateway target failed to respond',
    meaning: 'the device behind the Modbus gateway did not answer',
  },
];

/** Exception code → description, for the codes the protocol defines. */
export const MODBUS_EXCEPTIONS: ReadonlyMap<number, ModbusExceptionInfo> = new Map(
  KNOWN.map((info) => [info.code, Object.freeze(info)]),
);

/** Description of any exception code; codes outside the standard still get a usable name. */
export function describeException(code: number): ModbusExceptionInfo {
  return (
    MODBUS_EXCEPTIONS.get(code) ?? {
      code,
      name: `unknown exception ${code}`,
      meaning: 'the slave answered with an exception code the Modbus standard does not define',
    }
  );
}

export function exceptionName(code: number): string {
  return MODBUS_EXCEPTIONS.get(code)?.name ?? `unknown exception ${code}`;
}
