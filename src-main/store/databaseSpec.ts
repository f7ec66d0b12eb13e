/**
 * What a `--db` value (or ABSTRACTRUNTIME_DB, or the desktop setting) names: a SQLite file
 * (a path, or `sqlite:PATH`; the default) or a PostgreSQL database (`postgres://…` or
 * `postgresql://…`). Decided here once for the CLI, the web host and the desktop app.
 */
import { resolve } from 'node:path';
import { isPostgresUrl, redactPostgresUrl } from './postgres/pgUrl';

export type DatabaseSpec = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

export function parseDatabaseSpec(spec: string): DatabaseSpec {
  const text = spec.trim();
  if (isPostgresUrl(text)) return { kind: 'postgres', url: text };
  const path = /^sqlite:/i.test(text) ? text.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '') : spec;
  return { kind: 'sqlite', path: resolve(path) };
}

/** The spec as it may be shown (logs, errors, getInfo, the UI): a path, or the URL without its password. */
export function databaseLabel(spec: string): string {
  const parsed = parseDatabaseSpec(spec);
  return parsed.kind === 'postgres' ? redactPostgresUrl(parsed.url) : parsed.path;
}

/** A normalised spec: a resolved path, or the URL as given. */
export function normaliseDatabaseSpec(spec: string): string {
  const parsed = parseDatabaseSpec(spec);
  return parsed.kind === 'postgres' ? parsed.url : parsed.path;
}
