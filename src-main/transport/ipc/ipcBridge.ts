/**
 * The API over Electron IPC, written against the few members of `ipcMain` / `webContents`
 * it uses, so it is tested without Electron. Every invoke is checked for its sender first:
 * only our own window's top frame, showing our own page, may call the runtime. Requests and
 * results cross as JSON text (stringifyExact / parseJsonExact), not structured clones: a
 * clone would turn a RawNumber (98765432109876543210, 1.0 kept as written) into `{lexeme}`.
 */
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type ApiEventMessage, type ApiHandlers, type ApiResult } from '../../../src-shared/api';
import { ForbiddenError, RuntimeError, ValidationError } from '../../../src-shared/errors';
import { parseJsonExact, stringifyExact } from '../../../src-shared/exactJson';
import { dispatch } from '../dispatch';
import { subscribeAll, type EventSource } from '../eventSource';

export interface IpcSenderFrame {
  url: string;
  /** null for a top-level frame: subframes never get the API. */
  parent: unknown;
}

export interface IpcInvokeEvent {
  sender: { id: number };
  senderFrame: IpcSenderFrame | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface WebContentsLike {
  send(channel: string, message: unknown): void;
  isDestroyed(): boolean;
}

export type TrustedSenderCheck = (event: IpcInvokeEvent) => boolean;

/** Trusted: the given window's contents, its top frame, showing an app page. */
export function trustedSender(webContentsId: () => number | null, isAppPage: (url: string) => boolean): TrustedSenderCheck {
  return (event) => {
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null) return false;
    return event.sender.id === webContentsId() && isAppPage(frame.url);
  };
}

export function registerIpc(ipcMain: IpcMainLike, handlers: ApiHandlers, isTrustedSender: TrustedSenderCheck): () => void {
  ipcMain.handle(IPC_INVOKE_CHANNEL, (event, request) => handleInvoke(handlers, isTrustedSender, event, request));
  return () => ipcMain.removeHandler(IPC_INVOKE_CHANNEL);
}

/** One call: the request `{method, payloadJson?}` in, the ApiResult out, as JSON text. */
export async function handleInvoke(
  handlers: ApiHandlers,
  isTrustedSender: TrustedSenderCheck,
  event: IpcInvokeEvent,
  request: unknown,
): Promise<string> {
  return stringifyExact(await invokeResult(handlers, isTrustedSender, event, request));
}

async function invokeResult(
  handlers: ApiHandlers,
  isTrustedSender: TrustedSenderCheck,
  event: IpcInvokeEvent,
  request: unknown,
): Promise<ApiResult<unknown>> {
  if (!safeCheck(isTrustedSender, event)) {
    return {
      ok: false,
      error: new ForbiddenError(
        `IPC call refused: sender ${JSON.stringify(event.senderFrame?.url ?? '(no frame)')} is not this app's window`,
      ).toPayload(),
    };
  }
  if (typeof request !== 'object' || request === null || typeof (request as { method?: unknown }).method !== 'string') {
    return { ok: false, error: new ValidationError('IPC request must be {method: string, payloadJson?: string}').toPayload() };
  }
  const { method, payloadJson } = request as { method: string; payloadJson?: unknown };
  if (payloadJson !== undefined && typeof payloadJson !== 'string')
    return { ok: false, error: new ValidationError('IPC payloadJson must be JSON text').toPayload() };
  let payload: unknown;
  try {
    payload = payloadJson === undefined ? undefined : parseJsonExact(payloadJson);
  } catch (err) {
    if (err instanceof RuntimeError) return { ok: false, error: err.toPayload() };
    throw err;
  }
  return dispatch(handlers, method, payload);
}

function safeCheck(check: TrustedSenderCheck, event: IpcInvokeEvent): boolean {
  try {
    return check(event);
  } catch {
    return false;
  }
}

/** Sends every host event to the window until it is destroyed or the returned function is called. */
export function forwardEvents(events: EventSource, contents: WebContentsLike): () => void {
  const off = subscribeAll(events, (msg: ApiEventMessage) => {
    if (contents.isDestroyed()) return off();
    contents.send(IPC_EVENT_CHANNEL, stringifyExact(msg));
  });
  return off;
}
