/**
 * Opens a SqliteStore in a separate process (run as an unprivileged user by the read-only
 * tests when they run as root, since root ignores file modes) and prints the outcome.
 * Usage: node --import tsx openStoreChild.ts <db path> [readonly]
 */
import { SqliteStore } from '../../../src-main/store/sqlite/SqliteStore';

const [file, mode] = process.argv.slice(2);
try {
  const store = SqliteStore.open(file!, { readonly: mode === 'readonly' });
  const runs = store.listRuns().total;
  store.close();
  console.log(JSON.stringify({ ok: true, runs }));
} catch (err) {
  const e = err as { code?: string; message?: string };
  console.log(JSON.stringify({ ok: false, code: e.code, message: e.message }));
}
