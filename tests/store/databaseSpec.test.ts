import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { databaseLabel, parseDatabaseSpec } from '../../src-main/store/databaseSpec';
import { resolveDataPaths } from '../../src-main/host/dataPaths';

describe('which database a --db value names', () => {
  it('a path or sqlite:PATH is SQLite (resolved); postgres:// and postgresql:// are PostgreSQL, kept as given', () => {
    expect(parseDatabaseSpec('runs.db')).toEqual({ kind: 'sqlite', path: resolve('runs.db') });
    expect(parseDatabaseSpec('sqlite:/tmp/a.db')).toEqual({ kind: 'sqlite', path: '/tmp/a.db' });
    expect(parseDatabaseSpec('sqlite:rel/a.db')).toEqual({ kind: 'sqlite', path: resolve('rel/a.db') });
    expect(parseDatabaseSpec('postgres://u:p@h:5433/db')).toEqual({ kind: 'postgres', url: 'postgres://u:p@h:5433/db' });
    expect(parseDatabaseSpec('postgresql://h/db')).toEqual({ kind: 'postgres', url: 'postgresql://h/db' });
  });

  it('ABSTRACTRUNTIME_DB may be a URL; SQLite stays the default', () => {
    expect(resolveDataPaths({ ABSTRACTRUNTIME_HOME: '/data', ABSTRACTRUNTIME_DB: 'postgres://u:p@h/db' }).dbPath).toBe(
      'postgres://u:p@h/db',
    );
    expect(resolveDataPaths({ ABSTRACTRUNTIME_HOME: '/data' }).dbPath).toBe('/data/runtime.db');
  });

  it('the label never carries the password', () => {
    expect(databaseLabel('postgres://art:s3cret@db.example:5432/runs')).toBe('postgres://art:***@db.example:5432/runs');
    expect(databaseLabel('postgresql://art:s3cret@h/runs?password=other')).not.toMatch(/s3cret|other/);
    expect(databaseLabel('/x/runs.db')).toBe('/x/runs.db');
  });
});
