import { describe, expect, it, vi } from 'vitest';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../src-shared/api';
import { IPC_BUNDLE_FILE_CHANNEL } from '../../src-shared/preloadApi';
import { makeFakeElectron } from './fakeElectron';

const fake = vi.hoisted(() => ({ current: null as ReturnType<typeof makeFakeElectron> | null }));
vi.mock('electron', async () => {
  const { makeFakeElectron } = await import('./fakeElectron');
  fake.current = makeFakeElectron();
  return fake.current.module;
});

await import('../../src-main/electron/preload');

describe('preload', () => {
  it('exposes only invoke, onEvent and the two bundle-file calls as window.abstractRuntime', () => {
    expect(Object.keys(fake.current!.exposed)).toEqual(['abstractRuntime']);
    expect(Object.keys(fake.current!.exposed.abstractRuntime).sort()).toEqual(['invoke', 'onEvent', 'openBundleFile', 'verifyBundleFile']);
  });

  it('a chosen or dropped file crosses as its path only (webUtils.getPathForFile); "Open bundle…" asks the main process', async () => {
    const electron = fake.current!.module;
    const file = { name: 'run.bundle.json', size: 100 * 2 ** 20 };
    electron.webUtils.filePaths.set(file, '/home/me/run.bundle.json');
    await fake.current!.exposed.abstractRuntime.verifyBundleFile(file);
    await fake.current!.exposed.abstractRuntime.openBundleFile();
    expect(fake.current!.ipcRendererCalls.slice(-2)).toEqual([
      { channel: IPC_BUNDLE_FILE_CHANNEL, args: [{ path: '/home/me/run.bundle.json' }] },
      { channel: IPC_BUNDLE_FILE_CHANNEL, args: [{ pick: true }] },
    ]);
  });

  it('invoke sends {method, payloadJson} on the invoke channel and gives back the JSON text', async () => {
    const result = await fake.current!.exposed.abstractRuntime.invoke('getRun', '{"runId":"r1"}');
    expect(result).toBe('{"ok":true,"value":null}');
    expect(fake.current!.ipcRendererCalls).toContainEqual({
      channel: IPC_INVOKE_CHANNEL,
      args: [{ method: 'getRun', payloadJson: '{"runId":"r1"}' }],
    });
  });

  it('onEvent relays messages without the IPC event object and unsubscribes', () => {
    const got: unknown[] = [];
    const off = fake.current!.exposed.abstractRuntime.onEvent((m: unknown) => got.push(m));
    const listeners = fake.current!.rendererListeners.get(IPC_EVENT_CHANNEL)!;
    for (const l of listeners) l({ sender: 'secret' }, '{"event":"runUpdated","data":{"run":{}}}');
    expect(got).toEqual(['{"event":"runUpdated","data":{"run":{}}}']);
    off();
    expect(listeners.size).toBe(0);
  });
});
