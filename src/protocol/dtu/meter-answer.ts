// A DL/T 645 answer as the transaction queue takes any answer: the frame's bytes with the
// place of its value. The data stays as received (+0x33 on every byte), so the answer is
// handed on without a copy; the poller takes the offset off as it decodes.
import { FRAME_START, HEADER_LENGTH, WAKE_UP, type Dlt645Answer, type Dlt645Frame } from '../dlt645/index.js';
import type { ResponseFrame } from './stream-events.js';

/** A byte a meter's answer can begin with: a wake-up byte or the start byte. */
export function looksLikeMeterStart(byte: number): boolean {
  return byte === WAKE_UP || byte === FRAME_START;
}

export function meterResponseFrame(
  answer: Exclude<Dlt645Answer, { kind: 'mismatch' }>,
  frame: Dlt645Frame,
): ResponseFrame {
  const length = frame.bytes.length;
  switch (answer.kind) {
    case 'exception':
      return { kind: 'exception', length, code: answer.status };
    case 'written':
      return { kind: 'ok', length, dataOffset: HEADER_LENGTH, dataLength: 0 };
    case 'address':
      return { kind: 'ok', length, dataOffset: HEADER_LENGTH, dataLength: 6 };
    case 'data': {
      // The value follows the identifier, whose length depends on the edition.
      const identifier = frame.data.length - answer.data.length;
      return { kind: 'ok', length, dataOffset: HEADER_LENGTH + identifier, dataLength: answer.data.length };
    }
  }
}
