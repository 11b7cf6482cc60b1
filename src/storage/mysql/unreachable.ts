// Telling "the server could not be reached" (wait and retry) from "the server refused us"
// (wrong password, missing database: waiting will not help).

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'PROTOCOL_CONNECTION_LOST']);

export function isUnreachable(err: unknown): boolean {
  return UNREACHABLE_CODES.has((err as { code?: string } | null)?.code ?? '');
}
