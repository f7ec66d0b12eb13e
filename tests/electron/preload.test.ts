import { describe, expect, it, vi } from 'vitest';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../src-shared/api';
import { makeFakeElectron } from './fakeElectron';

const fake = vi.hoisted(() => ({ current: null as ReturnType<typeof makeFakeElectron> | null }));
vi.mock('electron', async () => {
  const { makeFakeElectron } = await import('./fakeElectron');
  fake.current = makeFakeElectron();
  return fake.current.module;
});

await import('../../src-main/electron/preload');

describe('preload', () => {
  it('exposes only invoke and onEvent as window.abstractRuntime', () => {
    expect(Object.keys(fake.current!.exposed)).toEqual(['abstractRuntime']);
    expect(Object.keys(fake.current!.exposed.abstractRuntime).sort()).toEqual(['invoke', 'onEvent']);
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
