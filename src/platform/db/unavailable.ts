import { AppError } from '../errors.js';

/**
 * PostgreSQL SQLSTATEs that mean the server is gone or not taking connections, not that this
 * statement was wrong: class 08 (connection exception), admin/crash shutdown, starting up.
 */
const SERVER_GONE_STATES = new Set(['08000', '08001', '08003', '08004', '08006', '57P01', '57P02', '57P03']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);
// node-postgres reports a socket closed under it, or a pool wait that timed out, without a code.
const DRIVER_MESSAGES = [/^Connection terminated/, /not queryable/, /timeout exceeded when trying to connect/i, /^Connection terminated due to connection timeout/];

/** Whether a database error means the server is unreachable or restarting (retry later), rather than a refusal of the query. */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 3) return false;
  if (error instanceof DatabaseUnavailableError) return true;
  const { code, message, cause } = error as { code?: unknown; message?: unknown; cause?: unknown };
  if (typeof code === 'string' && (SERVER_GONE_STATES.has(code) || NETWORK_CODES.has(code))) return true;
  if (typeof message === 'string' && code === undefined && DRIVER_MESSAGES.some((m) => m.test(message))) return true;
  return isDatabaseUnavailable(cause, depth + 1);
}

/** The database cannot be reached (a restart, a network cut): 503 for requests; jobs retry later. */
export class DatabaseUnavailableError extends AppError<'database_unavailable.unreachable'> {
  constructor(readonly reason: string) {
    super('database_unavailable', `the database cannot be reached (${reason}); try again shortly`, { key: 'database_unavailable.unreachable', params: { retryAfterSeconds: 5 } });
  }
}
