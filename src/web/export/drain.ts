// Waits until a writable stream has room again, or fails if it closed meanwhile (the
// client went away): the export then stops reading the database.
import type { Writable } from 'node:stream';

export function whenDrained(stream: Writable): Promise<void> {
  if (stream.destroyed) return Promise.reject(new Error('export stream closed'));
  if (!stream.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      stream.off('close', onClose);
      resolve();
    };
    const onClose = () => {
      stream.off('drain', onDrain);
      reject(new Error('export stream closed'));
    };
    stream.once('drain', onDrain);
    stream.once('close', onClose);
  });
}
