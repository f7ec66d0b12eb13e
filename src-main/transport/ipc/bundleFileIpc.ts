/**
 * Bundle files over Electron IPC without their content: the page sends a path (of a file the
 * person chose or dropped) or asks the main process to show its open dialog, and the file is
 * verified from disk by `verifyBundleFile`, the web upload's own path. Only this window's
 * top frame may call, as for the API. A path from the page must be absolute and name a
 * `.json` file, so a compromised page cannot have arbitrary files read back to it.
 */
import { basename, isAbsolute } from 'node:path';
import type { ApiHandlers, ApiResult } from '../../../src-shared/api';
import { ForbiddenError, ValidationError } from '../../../src-shared/errors';
import { stringifyExact } from '../../../src-shared/exactJson';
import { IPC_BUNDLE_FILE_CHANNEL, type PickedBundleVerdict } from '../../../src-shared/preloadApi';
import { verifyBundleFile } from '../verifyBundleFile';
import type { IpcInvokeEvent, IpcMainLike, TrustedSenderCheck } from './ipcBridge';

/** Shows the open dialog; the chosen file's path, or null when cancelled. */
export type PickBundleFile = () => Promise<string | null>;

export function registerBundleFileIpc(
  ipcMain: IpcMainLike,
  handlers: ApiHandlers,
  isTrustedSender: TrustedSenderCheck,
  pickFile: PickBundleFile,
): () => void {
  ipcMain.handle(IPC_BUNDLE_FILE_CHANNEL, async (event, request) =>
    stringifyExact(await bundleFileResult(handlers, isTrustedSender, pickFile, event, request)),
  );
  return () => ipcMain.removeHandler(IPC_BUNDLE_FILE_CHANNEL);
}

async function bundleFileResult(
  handlers: ApiHandlers,
  isTrustedSender: TrustedSenderCheck,
  pickFile: PickBundleFile,
  event: IpcInvokeEvent,
  request: unknown,
): Promise<ApiResult<unknown>> {
  if (!safeCheck(isTrustedSender, event))
    return {
      ok: false,
      error: new ForbiddenError(
        `bundle file call refused: sender ${JSON.stringify(event.senderFrame?.url ?? '(no frame)')} is not this app's window`,
      ).toPayload(),
    };
  const req = (typeof request === 'object' && request !== null ? request : {}) as { path?: unknown; pick?: unknown };
  if (req.pick === true) {
    const path = await pickFile();
    if (path === null) return { ok: true, value: null satisfies PickedBundleVerdict };
    return named(await verifyBundleFile(handlers, path), path);
  }
  const path = req.path;
  if (typeof path !== 'string' || !path)
    return refuse('a bundle file is needed: this file has no path on disk (choose it with "Open bundle…")');
  if (path.length > 4096 || !isAbsolute(path) || !path.toLowerCase().endsWith('.json'))
    return refuse(`a bundle file must be a .json file on this machine, got ${JSON.stringify(basename(path).slice(0, 200))}`);
  return named(await verifyBundleFile(handlers, path), path);
}

function named<T extends object>(result: ApiResult<T>, path: string): ApiResult<T & { fileName: string }> {
  return result.ok ? { ok: true, value: { ...result.value, fileName: basename(path) } } : result;
}

function refuse(message: string): ApiResult<never> {
  return { ok: false, error: new ValidationError(message).toPayload() };
}

function safeCheck(check: TrustedSenderCheck, event: IpcInvokeEvent): boolean {
  try {
    return check(event);
  } catch {
    return false;
  }
}
