/**
 * Python store folders opened to look at, not imported: each folder's runs are read into
 * a private in-memory store (the user's database is never written) and, when watched,
 * read again as the Python runtime appends to its files. Only records that extend a
 * verified chain are taken (the rule of ledger/ledgerExtension), and each new record is
 * announced as `ledgerAppended`, so an open run view grows without a reload.
 * Runs seen this way are foreign: read-only whatever workflows are registered.
 */
import { existsSync, statSync, watch, type FSWatcher } from 'node:fs';
import { resolve } from 'node:path';
import { ImportError } from '../../src-shared/errors';
import type { RunSummary } from '../../src-shared/types';
import { importPythonFolder, type SkippedRun } from '../ledger/index';
import { SqliteStore } from '../store/sqlite/SqliteStore';
import type { EventBus } from './eventBus';

export interface ForeignFolderView {
  path: string;
  watching: boolean;
  runs: RunSummary[];
  /** Runs of the folder that cannot be shown (a broken chain, an unreadable file), and why. */
  skipped: SkippedRun[];
}

interface OpenFolder {
  path: string;
  store: SqliteStore;
  watcher: FSWatcher | null;
  skipped: SkippedRun[];
  timer: NodeJS.Timeout | null;
}

/** Python writes a record and its run file one after the other: read once both landed. */
const SETTLE_MS = 50;

export class ForeignFolders {
  private readonly folders = new Map<string, OpenFolder>();

  constructor(private readonly events: EventBus | null) {}

  open(path: string, opts: { watch?: boolean } = {}): ForeignFolderView {
    const dir = resolve(path);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ImportError(`${dir} is not a folder`, { path: dir });
    let folder = this.folders.get(dir);
    if (!folder) {
      folder = { path: dir, store: SqliteStore.open(':memory:'), watcher: null, skipped: [], timer: null };
      this.folders.set(dir, folder);
      this.read(folder, false);
    }
    if (opts.watch && !folder.watcher) {
      const f = folder;
      f.watcher = watch(dir, () => this.schedule(f));
      f.watcher.on('error', () => this.stopWatching(f));
    }
    return this.view(folder);
  }

  list(): ForeignFolderView[] {
    return [...this.folders.values()].map((f) => this.view(f));
  }

  /** The store holding a foreign run, or null when no open folder has it. */
  storeOf(runId: string): SqliteStore | null {
    for (const f of this.folders.values()) if (f.store.getRun(runId)) return f.store;
    return null;
  }

  folderOf(runId: string): string | null {
    for (const f of this.folders.values()) if (f.store.getRun(runId)) return f.path;
    return null;
  }

  /** Reads the folder again now (what the watcher does after a change). */
  refresh(path: string): ForeignFolderView {
    const folder = this.folders.get(resolve(path));
    if (!folder) throw new ImportError(`${path} is not open`, { path });
    this.read(folder);
    return this.view(folder);
  }

  close(): void {
    for (const f of this.folders.values()) {
      this.stopWatching(f);
      f.store.close();
    }
    this.folders.clear();
  }

  private schedule(f: OpenFolder): void {
    if (f.timer) clearTimeout(f.timer);
    f.timer = setTimeout(() => {
      f.timer = null;
      if (this.folders.get(f.path) !== f) return;
      try {
        this.read(f);
      } catch (err) {
        // A folder that vanished or a half-written file: the next change reads it again.
        console.error(`[abstractruntime] reading ${f.path} failed:`, err);
      }
    }, SETTLE_MS);
  }

  /** `announce`: publish what changed (not on the first read: nothing shows the folder yet). */
  private read(f: OpenFolder, announce = true): void {
    const before = new Map(f.store.listRuns({ limit: 100_000 }).runs.map((r) => [r.run_id, r.ledger_seq]));
    const { runs, skipped } = importPythonFolder(f.store, f.path, { skipInvalid: true });
    f.skipped = skipped;
    for (const r of runs) {
      if (!r.imported || !announce) continue;
      const after = before.get(r.runId) ?? -1;
      const records = f.store.readLedger(r.runId, { afterSeq: after, limit: 100_000 }).records;
      const summary = f.store.listRuns({ search: r.runId, limit: 1 }).runs[0];
      if (records.length) this.events?.emit('ledgerAppended', { runId: r.runId, records });
      if (summary) this.events?.emit('runUpdated', { run: summary, foreign: true });
    }
  }

  private view(f: OpenFolder): ForeignFolderView {
    return { path: f.path, watching: !!f.watcher, runs: f.store.listRuns({ limit: 100_000 }).runs, skipped: f.skipped };
  }

  private stopWatching(f: OpenFolder): void {
    f.watcher?.close();
    f.watcher = null;
    if (f.timer) clearTimeout(f.timer);
    f.timer = null;
  }
}
