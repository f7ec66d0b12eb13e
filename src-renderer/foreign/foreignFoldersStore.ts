/** The Python store folders open in the host (looked at read-only, followed live), and their runs. */
import { create } from 'zustand';
import type { ForeignFolderInfo } from '../../src-shared/api';
import type { RunSummary } from '../../src-shared/types';
import { runtimeClient } from '../state/clientRef';
import { describeError } from '../state/toastStore';

interface ForeignFoldersState {
  folders: ForeignFolderInfo[];
  error: string | null;
  load(): Promise<void>;
  open(path: string): Promise<boolean>;
  /** A `runUpdated` for a run of an open folder (a new run shows up in its list). */
  applyRunUpdated(run: RunSummary): void;
}

export const useForeignFoldersStore = create<ForeignFoldersState>((set, get) => ({
  folders: [],
  error: null,
  async load() {
    try {
      set({ folders: await runtimeClient().call('listFolders', {}), error: null });
    } catch (err) {
      set({ error: describeError(err) });
    }
  },
  async open(path) {
    try {
      const opened = await runtimeClient().call('openFolder', { path, watch: true });
      set({ folders: [...get().folders.filter((f) => f.path !== opened.path), opened], error: null });
      return true;
    } catch (err) {
      set({ error: describeError(err) });
      return false;
    }
  },
  applyRunUpdated(run) {
    const folders = get().folders;
    if (!folders.some((f) => f.runs.some((r) => r.run_id === run.run_id))) {
      // Maybe a new run of an open folder: ask the host which.
      if (folders.length) void get().load();
      return;
    }
    set({ folders: folders.map((f) => ({ ...f, runs: f.runs.map((r) => (r.run_id === run.run_id ? run : r)) })) });
  },
}));
