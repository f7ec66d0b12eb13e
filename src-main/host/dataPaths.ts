/** Where the host keeps its files: ABSTRACTRUNTIME_HOME (or ~/.abstractruntime) and the DB inside it (or ABSTRACTRUNTIME_DB, else the database chosen in Settings: a path or a postgres:// URL). */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { normaliseDatabaseSpec } from '../store/databaseSpec';
import { readSettingsFile } from './settingsFile';

export interface DataPaths {
  dataDir: string;
  dbPath: string;
  /** Project file listing user workflow modules, when one is configured. */
  projectFile: string | null;
}

export function resolveDataPaths(env: NodeJS.ProcessEnv = process.env, defaults: { dataDir?: string } = {}): DataPaths {
  const dataDir = resolve(env.ABSTRACTRUNTIME_HOME || defaults.dataDir || join(homedir(), '.abstractruntime'));
  // A path or `sqlite:PATH` (resolved), or a PostgreSQL URL (kept as given): store/databaseSpec.ts.
  const dbPath = normaliseDatabaseSpec(env.ABSTRACTRUNTIME_DB || configuredDatabase(dataDir) || join(dataDir, 'runtime.db'));
  const projectFile = env.ABSTRACTRUNTIME_PROJECT ? resolve(env.ABSTRACTRUNTIME_PROJECT) : null;
  return { dataDir, dbPath, projectFile };
}

/** The database chosen in Settings (settings.json), if any; an unreadable file is reported when the host opens it. */
function configuredDatabase(dataDir: string): string | null {
  try {
    return readSettingsFile(dataDir).database?.url ?? null;
  } catch {
    return null;
  }
}
