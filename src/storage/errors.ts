// Storage errors carry a stable code so the composition root (and later the error
// catalogue) can tell "refuse to start" conditions from ordinary I/O failures.

export type StorageErrorCode =
  | 'STORAGE_SCHEMA_TOO_NEW'
  | 'STORAGE_OPEN_FAILED'
  | 'STORAGE_WORKER_FAILED'
  | 'STORAGE_UNSUPPORTED_PATH'
  | 'STORAGE_QUERY_TIMEOUT'
  | 'STORAGE_QUERY_ABORTED'
  | 'STORAGE_READ_BUSY';

export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

export function schemaTooNew(where: string, found: number, known: number): StorageError {
  return new StorageError(
    'STORAGE_SCHEMA_TOO_NEW',
    `${where}: database schema version ${found} is newer than this dtuhub knows (${known}); ` +
      'upgrade dtuhub or point storage.path at another database',
  );
}
