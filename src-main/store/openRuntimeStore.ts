/**
 * Opens the store a database spec names (databaseSpec.ts): SQLite or PostgreSQL, with the
 * anchor file that belongs to it. The one place that knows both store implementations.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type {
  ArtifactStore,
  ChangeFeedStore,
  ProvenanceStore,
  RuntimeStore,
  SnapshotStore,
  WorkQueueStore,
} from '../runtime/storeContract';
import { parseDatabaseSpec } from './databaseSpec';
import { PostgresStore } from './postgres/PostgresStore';
import { redactPostgresUrl } from './postgres/pgUrl';
import { SqliteStore } from './sqlite/SqliteStore';

export type RuntimeStoreKind = 'sqlite' | 'postgres';

export type OpenedRuntimeStore = RuntimeStore &
  SnapshotStore &
  WorkQueueStore &
  ChangeFeedStore &
  ArtifactStore &
  ProvenanceStore & { close(): void; readonly path: string; whenDurable(): Promise<void> };

export interface OpenedStore {
  store: OpenedRuntimeStore;
  kind: RuntimeStoreKind;
  /** What may be shown: the file path, or the URL without its password. */
  label: string;
  /**
   * Where this machine keeps the signed heads of the database's runs (docs/security.md):
   * beside a SQLite file; for a server database, in this machine's data folder, one file per
   * database (a copy of the heads the database itself cannot roll back).
   */
  anchorPath(dataDir: string): string;
}

export interface OpenStoreOptions {
  durability?: 'full' | 'process';
  readonly?: boolean;
}

export function openRuntimeStore(spec: string, opts: OpenStoreOptions = {}): OpenedStore {
  const parsed = parseDatabaseSpec(spec);
  if (parsed.kind === 'postgres') {
    const label = redactPostgresUrl(parsed.url);
    const store = PostgresStore.open(parsed.url, opts);
    return { store, kind: 'postgres', label, anchorPath: (dataDir) => postgresAnchorPath(dataDir, parsed.url) };
  }
  if (!opts.readonly) mkdirSync(dirname(parsed.path), { recursive: true });
  const store = SqliteStore.open(parsed.path, opts);
  return { store, kind: 'sqlite', label: parsed.path, anchorPath: () => `${parsed.path}.anchors.json` };
}

/** One anchor file per server database, named by host, port and database (never the user or password). */
function postgresAnchorPath(dataDir: string, url: string): string {
  const u = new URL(url);
  const id = `${u.hostname}:${u.port || '5432'}/${decodeURIComponent(u.pathname.replace(/^\//, ''))}`;
  const name = `${u.hostname}_${u.pathname.replace(/^\//, '').replace(/[^A-Za-z0-9_-]/g, '_')}_${createHash('sha256').update(id).digest('hex').slice(0, 12)}`;
  const dir = join(dataDir, 'anchors');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}.anchors.json`);
}
