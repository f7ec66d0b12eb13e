/**
 * PostgreSQL connection URLs: which `--db` values name a server database, and the one form
 * of the URL that may be shown anywhere (logs, errors, getInfo, the UI): without the password.
 */
import { ValidationError } from '../../../src-shared/errors';

export function isPostgresUrl(spec: string): boolean {
  return /^postgres(ql)?:\/\//i.test(spec.trim());
}

/** The URL with any password replaced by `***` (an unparsable URL is hidden whole). */
export function redactPostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    for (const key of ['password', 'sslpassword']) if (u.searchParams.has(key)) u.searchParams.set(key, '***');
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL hidden)';
  }
}

/** Checks the URL names a host and a database, so a typo fails before any connection. */
export function checkPostgresUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ValidationError(`the database URL ${redactPostgresUrl(url)} is not a valid URL (postgres://user:pass@host:port/dbname)`, {
      field: 'db',
    });
  }
  if (!u.hostname || u.pathname.replace(/^\//, '') === '')
    throw new ValidationError(
      `the database URL ${redactPostgresUrl(url)} must name a host and a database (postgres://user:pass@host:port/dbname)`,
      { field: 'db' },
    );
}
