/** Where the host keeps its files: ABSTRACTRUNTIME_HOME (or ~/.abstractruntime) and the DB inside it. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface DataPaths {
  dataDir: string;
  dbPath: string;
  /** Project file listing user workflow modules, when one is configured. */
  projectFile: string | null;
}

export function resolveDataPaths(env: NodeJS.ProcessEnv = process.env, defaults: { dataDir?: string } = {}): DataPaths {
  const dataDir = resolve(env.ABSTRACTRUNTIME_HOME || defaults.dataDir || join(homedir(), '.abstractruntime'));
  const dbPath = resolve(env.ABSTRACTRUNTIME_DB || join(dataDir, 'runtime.db'));
  const projectFile = env.ABSTRACTRUNTIME_PROJECT ? resolve(env.ABSTRACTRUNTIME_PROJECT) : null;
  return { dataDir, dbPath, projectFile };
}
