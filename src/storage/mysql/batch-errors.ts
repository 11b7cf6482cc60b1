// How the MySQL applier tells errors a retry cannot fix from those it can.

/**
 * A batch the database will refuse however often it is retried (a value too long for its
 * column, a name the collation folds into another). Kept aside, not retried forever.
 */
export class PermanentBatchError extends Error {}

/** MySQL errors that a retry cannot fix: data too long, bad null, out of range, bad value, check constraint. */
const DATA_ERRNOS = new Set([1048, 1264, 1292, 1366, 1406, 3819, 4025]);

export function isPermanentBatchError(err: unknown): boolean {
  return err instanceof PermanentBatchError || DATA_ERRNOS.has((err as { errno?: number } | null)?.errno ?? 0);
}

/** The server (or its local_infile setting) does not allow LOAD DATA LOCAL. */
export function isLocalInfileRefused(err: unknown): boolean {
  const e = err as { errno?: number; message?: string };
  // 1148 ER_NOT_ALLOWED_COMMAND, 3948 ER_CLIENT_LOCAL_FILES_DISABLED, 4166 (MariaDB) local infile disabled.
  return (
    e.errno === 1148 ||
    e.errno === 3948 ||
    e.errno === 4166 ||
    /local (data|infile).*(disabled|not allowed)/i.test(e.message ?? '')
  );
}
