/**
 * The folder the desktop app and the CLI share by default, so `abstractruntime runs` shows
 * the runs made in the app: Electron's own userData location for an app named
 * "AbstractRuntime", computed without Electron (the CLI never loads it).
 * ABSTRACTRUNTIME_HOME overrides it (see host/dataPaths.ts).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_NAME = 'AbstractRuntime';

export function appDataFolder(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_NAME);
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), APP_NAME);
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), APP_NAME);
}
