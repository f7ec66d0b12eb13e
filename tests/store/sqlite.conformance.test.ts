import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src-main/store/sqlite/SqliteStore';
import { runStoreConformance } from './conformance';

const dirs = new Map<SqliteStore, string>();

runStoreConformance(
  'SqliteStore',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'ar-conf-'));
    const store = SqliteStore.open(join(dir, 'runs.db'));
    dirs.set(store, dir);
    return store;
  },
  {
    // Damage the bytes through a second connection, as a disk or another program would.
    corruptArtifact: (store, ref) => {
      const raw = new Database((store as SqliteStore).path);
      const row = raw.prepare('SELECT bytes FROM artifacts WHERE ref = ?').get(ref) as { bytes: Buffer };
      row.bytes[0] = row.bytes[0]! ^ 0xff;
      raw.prepare('UPDATE artifacts SET bytes = ? WHERE ref = ?').run(row.bytes, ref);
      raw.close();
    },
    dispose: (store) => {
      const s = store as SqliteStore;
      s.close();
      rmSync(dirs.get(s)!, { recursive: true, force: true });
      dirs.delete(s);
    },
  },
);
