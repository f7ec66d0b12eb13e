import { describe, expect, it } from 'vitest';
import { appDataFolder } from '../../src-main/transport/appDataFolder';
import { isAppUrl } from '../../src-main/transport/ipc/appUrl';
import { openFailureHint } from '../../src-main/electron/nativeModuleHint';

describe('isAppUrl', () => {
  const pages = { indexHtml: '/opt/app/out/renderer/index.html', devServerUrl: 'http://localhost:5173' };
  it('accepts the built index.html with any route, and the dev server origin', () => {
    expect(isAppUrl('file:///opt/app/out/renderer/index.html', pages)).toBe(true);
    expect(isAppUrl('file:///opt/app/out/renderer/index.html?x=1#/runs/a', pages)).toBe(true);
    expect(isAppUrl('http://localhost:5173/runs/a', pages)).toBe(true);
  });
  it('refuses other files, other origins and junk', () => {
    expect(isAppUrl('file:///opt/app/out/renderer/other.html', pages)).toBe(false);
    expect(isAppUrl('file:///opt/app/out/renderer/../renderer2/index.html', pages)).toBe(false);
    expect(isAppUrl('http://localhost:5174/', pages)).toBe(false);
    expect(isAppUrl('https://evil.example/', pages)).toBe(false);
    expect(isAppUrl('not a url', pages)).toBe(false);
    expect(isAppUrl('http://localhost:5173/', { indexHtml: pages.indexHtml })).toBe(false);
  });
});

describe('appDataFolder', () => {
  it('matches Electron userData for an app named AbstractRuntime on each platform', () => {
    expect(appDataFolder({}, 'linux', '/home/a')).toBe('/home/a/.config/AbstractRuntime');
    expect(appDataFolder({ XDG_CONFIG_HOME: '/x' }, 'linux', '/home/a')).toBe('/x/AbstractRuntime');
    expect(appDataFolder({}, 'darwin', '/Users/a')).toBe('/Users/a/Library/Application Support/AbstractRuntime');
    expect(appDataFolder({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32', 'C:\\Users\\a')).toContain('AbstractRuntime');
  });
});

describe('openFailureHint', () => {
  it('points to the Electron rebuild when better-sqlite3 has the wrong ABI', () => {
    const err = new Error('The module better_sqlite3.node was compiled against a different Node.js version using NODE_MODULE_VERSION 115');
    expect(openFailureHint(err)).toContain('npm run rebuild:electron');
    expect(openFailureHint(err)).toContain('npm run serve');
    expect(openFailureHint(new Error('EACCES'))).toContain('ABSTRACTRUNTIME_HOME');
  });
});
