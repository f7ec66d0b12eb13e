import { describe, expect, it } from 'vitest';
import { handleInvoke } from '../../src-main/transport/ipc/ipcBridge';
import type { ApiEventMessage, ApiHandlers } from '../../src-shared/api';
import { canonicalJson, RawNumber } from '../../src-shared/canonicalJson';
import { parseJsonExact } from '../../src-shared/exactJson';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerBundleFileIpc } from '../../src-main/transport/ipc/bundleFileIpc';
import { SnapshotNotFoundError, ValidationError } from '../../src-shared/errors';
import { IPC_BUNDLE_FILE_CHANNEL, type PreloadApi } from '../../src-shared/preloadApi';
import { pickClient } from '../../src-renderer/api/pickClient';
import { summary } from './support/fixtures';

/** A preload stand-in speaking the real bridge protocol: JSON text each way. */
function bridge(): PreloadApi & { emit(m: ApiEventMessage): void; sent: unknown[] } {
  const listeners = new Set<(json: string) => void>();
  const sent: unknown[] = [];
  return {
    sent,
    async invoke(method, payloadJson) {
      sent.push({ method, payload: JSON.parse(payloadJson) });
      if (method === 'restoreSnapshot')
        return JSON.stringify({ ok: false, error: { code: 'SNAPSHOT_NOT_FOUND', message: 'no snapshot s9', retryable: false } });
      return JSON.stringify({ ok: true, value: { runs: [], total: 0 } });
    },
    onEvent(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    verifyBundleFile: async () => JSON.stringify({ ok: false, error: { code: 'VALIDATION_ERROR', message: 'no path', retryable: false } }),
    openBundleFile: async () => JSON.stringify({ ok: true, value: null }),
    emit: (m) => listeners.forEach((l) => l(JSON.stringify(m))),
  };
}

describe('electron RuntimeClient', () => {
  it('is picked when the preload bridge exists, and unwraps results', async () => {
    const b = bridge();
    const client = pickClient({ abstractRuntime: b });
    expect(client.transport).toBe('electron');
    await expect(client.call('listRuns', {})).resolves.toEqual({ runs: [], total: 0 });
    expect(b.sent).toEqual([{ method: 'listRuns', payload: {} }]);
  });

  it('rebuilds typed errors from the IPC result (classes do not cross IPC)', async () => {
    const client = pickClient({ abstractRuntime: bridge() });
    const err = await client.call('restoreSnapshot', { snapshotId: 's9' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SnapshotNotFoundError);
  });

  it('forwards events and stops after unsubscribe', () => {
    const b = bridge();
    const client = pickClient({ abstractRuntime: b });
    const got: ApiEventMessage[] = [];
    const off = client.onEvent((m) => got.push(m));
    b.emit({ event: 'runUpdated', data: { run: summary() } });
    off();
    b.emit({ event: 'runUpdated', data: { run: summary() } });
    expect(got).toHaveLength(1);
  });

  it('bundle files go to the main process by path: the verdict comes back, a refusal as a typed error, a cancelled dialog as null', async () => {
    const handlers = {
      verifyBundle: async () => ({
        valid: true,
        records: 1,
        firstBadSeq: null,
        reason: null,
        message: 'ok',
        signed: null,
        runId: 'r',
        workflowId: 'w',
      }),
    } as unknown as ApiHandlers;
    const event = { sender: { id: 1 }, senderFrame: { url: 'app://index.html', parent: null } };
    const ipc = new Map<string, (e: unknown, req: unknown) => Promise<unknown>>();
    registerBundleFileIpc(
      { handle: (c, fn) => void ipc.set(c, fn as never), removeHandler: (c) => void ipc.delete(c) },
      handlers,
      () => true,
      async () => null,
    );
    const dir = mkdtempSync(join(tmpdir(), 'ar-electron-client-'));
    const path = join(dir, 'run.bundle.json');
    writeFileSync(path, '{"records":[]}');
    const paths = new Map<File, string>();
    const real: PreloadApi = {
      invoke: async () => '',
      onEvent: () => () => {},
      // As the preload does: only the path (webUtils.getPathForFile) crosses, structured-cloned.
      verifyBundleFile: async (file) =>
        (await ipc.get(IPC_BUNDLE_FILE_CHANNEL)!(event, structuredClone({ path: paths.get(file) ?? '' }))) as string,
      openBundleFile: async () => (await ipc.get(IPC_BUNDLE_FILE_CHANNEL)!(event, { pick: true })) as string,
    };
    const client = pickClient({ abstractRuntime: real });
    const onDisk = new File(['ignored: the main process reads the disk'], 'run.bundle.json');
    paths.set(onDisk, path);
    await expect(client.verifyBundleFile!(onDisk)).resolves.toMatchObject({
      valid: true,
      fileName: 'run.bundle.json',
      preview: { recordCount: 0 },
    });
    const err = await client.verifyBundleFile!(new File(['{}'], 'pasted.json')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toContain('this file has no path on disk');
    await expect(client.openBundleFile!()).resolves.toBeNull();
  });

  it('numbers cross IPC exactly, both ways, through the real main-side handler and structured clones', async () => {
    let seen: unknown;
    const handlers = {
      startRun: async (req: { vars?: Record<string, unknown> }) => {
        seen = req.vars;
        return { vars: req.vars };
      },
    } as unknown as ApiHandlers;
    const event = { sender: { id: 1 }, senderFrame: { url: 'app://index.html', parent: null } };
    const real: PreloadApi = {
      // Electron structured-clones what crosses: a class would not survive, text does.
      invoke: async (method, payloadJson) =>
        structuredClone(await handleInvoke(handlers, () => true, event, structuredClone({ method, payloadJson }))),
      onEvent: () => () => {},
      verifyBundleFile: async () => '',
      openBundleFile: async () => '',
    };
    const client = pickClient({ abstractRuntime: real });
    const vars = parseJsonExact('{"big":98765432109876543210,"z":-0.0,"one":1.0,"e":1e-07,"x":2.5e+20}', 'vars') as Record<string, unknown>;
    const back = (await client.call('startRun', { workflowId: 'examples.counter', vars: vars as never })) as unknown as {
      vars: Record<string, RawNumber | number>;
    };
    expect(canonicalJson(seen)).toBe('{"big":98765432109876543210,"e":1e-07,"one":1.0,"x":2.5e+20,"z":-0.0}');
    expect(back.vars.big).toBeInstanceOf(RawNumber);
    expect(canonicalJson(back.vars)).toBe('{"big":98765432109876543210,"e":1e-07,"one":1.0,"x":2.5e+20,"z":-0.0}');
    const nan = await handleInvoke(handlers, () => true, event, { method: 'startRun', payloadJson: '{"workflowId":"w","vars":{"n":NaN}}' });
    expect(JSON.parse(nan)).toMatchObject({ ok: false, error: { code: 'NUMBER_NOT_EXACT', details: { path: 'vars.n' } } });
  });
});
