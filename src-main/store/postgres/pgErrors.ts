/**
 * Turns PostgreSQL and connection failures into the typed errors users meet, each naming the
 * database by its redacted URL (never the password) and saying whether a retry can help.
 */
import {
  ConcurrentUpdateError,
  DatabaseAuthError,
  DatabaseNotFoundError,
  DatabaseReadOnlyError,
  DatabaseUnavailableError,
  RuntimeError,
  StoreError,
} from '../../../src-shared/errors';

/** A failure as the connection's worker thread reports it (plain data: it crosses threads). */
export interface PgErrorInfo {
  message: string;
  /** SQLSTATE (`28P01`) or a socket code (`ECONNREFUSED`), when known. */
  code: string | null;
  /** Where it failed: `connect`, `query`, `lost` (the connection dropped mid-call), `timeout`, `closed`. */
  phase: string;
  detail?: string | null;
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN']);

export function pgErrorToStoreError(e: PgErrorInfo, db: string): RuntimeError {
  const code = e.code ?? '';
  const details = { database: db, sqlState: /^[0-9A-Z]{5}$/.test(code) ? code : null, phase: e.phase };
  const message = e.message || code || 'unknown error';
  if (code === '28P01' || code === '28000')
    return new DatabaseAuthError(`${db}: the server refused the user name or password (${code})`, details);
  if (code === '3D000') return new DatabaseNotFoundError(`${db}: the server has no such database (create it first)`, details);
  if (code === '25006')
    return new DatabaseReadOnlyError(
      `${db} only accepts reads (a read-only replica or default_transaction_read_only = on); point --db at the primary`,
      details,
    );
  if (code === '40001' || code === '40P01')
    return new ConcurrentUpdateError(`${db}: the transaction collided with another one and was rolled back; try again`, details);
  if (e.phase === 'closed') return new StoreError(`${db}: the store is closed`, details);
  if (CONNECTION_CODES.has(code) || code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03')
    return new DatabaseUnavailableError(
      `${db}: the database server cannot be reached or is restarting (${message}); nothing of the interrupted call was written`,
      details,
    );
  if (e.phase === 'lost' || e.phase === 'timeout' || e.phase === 'connect')
    return new DatabaseUnavailableError(
      `${db}: the connection to the database was lost (${message}); an unfinished transaction was rolled back by the server`,
      details,
    );
  return new StoreError(`${db}: ${message}`, details);
}
