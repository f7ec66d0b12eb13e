/**
 * The database chosen in Settings: kept in settings.json (mode 0600, as it may hold a
 * password), shown back only without the password, refused when it names nothing usable,
 * and opened on the next start by the desktop app and, by default, the CLI.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SettingsError } from '../../src-shared/errors';
import { resolveDataPaths } from '../../src-main/host/dataPaths';
import { HostSettings } from '../../src-main/host/hostSettings';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function settings() {
  const dataDir = mkdtempSync(join(tmpdir(), 'ar-dbset-'));
  dirs.push(dataDir);
  return { dataDir, s: new HostSettings({ dataDir, env: {}, signingPublicKey: () => null }) };
}

describe('the database setting', () => {
  it('is saved, shown without its password, and picked by the next start (ABSTRACTRUNTIME_DB still wins)', () => {
    const { dataDir, s } = settings();
    expect(s.view().database).toEqual({ configured: null });
    const view = s.update({ database: { url: 'postgres://art:hunter2@db.example:5432/runs' } });
    expect(view.database).toEqual({ configured: 'postgres://art:***@db.example:5432/runs' });
    expect(JSON.stringify(view)).not.toContain('hunter2');
    expect((statSync(join(dataDir, 'settings.json')).mode & 0o777).toString(8)).toBe('600');
    expect(JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')).database).toEqual({
      url: 'postgres://art:hunter2@db.example:5432/runs',
    });
    expect(resolveDataPaths({ ABSTRACTRUNTIME_HOME: dataDir }).dbPath).toBe('postgres://art:hunter2@db.example:5432/runs');
    expect(resolveDataPaths({ ABSTRACTRUNTIME_HOME: dataDir, ABSTRACTRUNTIME_DB: '/other.db' }).dbPath).toBe('/other.db');
    // Other edits keep it; null goes back to the default file.
    s.update({ signing: { enabled: true } });
    expect(s.view().database?.configured).toMatch(/^postgres:\/\/art:\*\*\*@/);
    s.update({ database: { url: null } });
    expect(resolveDataPaths({ ABSTRACTRUNTIME_HOME: dataDir }).dbPath).toBe(join(dataDir, 'runtime.db'));
  });

  it('refuses a value that names no database, naming the field, and keeps the previous one', () => {
    const { dataDir, s } = settings();
    s.update({ database: { url: '/srv/runs.db' } });
    for (const bad of ['relative/runs.db', 'postgres://', 'postgres://host-without-db'])
      expect(() => s.update({ database: { url: bad } })).toThrow(SettingsError);
    expect(() => s.update({ database: { url: 'postgres://' } })).toThrow(/database\.url/);
    expect(resolveDataPaths({ ABSTRACTRUNTIME_HOME: dataDir }).dbPath).toBe('/srv/runs.db');
  });
});
