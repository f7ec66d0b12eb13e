/** Settings as the host reports them; the API key is write-only (only `apiKeySet` comes back). */
import { create } from 'zustand';
import type { ApiRequest, AppInfo, Settings } from '../../src-shared/api';
import { runtimeClient } from './clientRef';
import { describeError, useToastStore } from './toastStore';

interface SettingsState {
  settings: Settings | null;
  info: AppInfo | null;
  error: string | null;
  saving: boolean;
  load(): Promise<void>;
  save(patch: ApiRequest<'setSettings'>): Promise<boolean>;
}

export const useSettingsStore = create<SettingsState>()((set) => ({
  settings: null,
  info: null,
  error: null,
  saving: false,
  async load() {
    try {
      const [settings, info] = await Promise.all([runtimeClient().call('getSettings', {}), runtimeClient().call('getInfo', {})]);
      set({ settings, info, error: null });
    } catch (err) {
      set({ error: describeError(err) });
    }
  },
  async save(patch) {
    set({ saving: true });
    try {
      const settings = await runtimeClient().call('setSettings', patch);
      set({ settings, error: null, saving: false });
      useToastStore.getState().push({ kind: 'info', title: 'Settings saved', message: 'New runs use these settings.' });
      return true;
    } catch (err) {
      set({ error: describeError(err), saving: false });
      return false;
    }
  },
}));
