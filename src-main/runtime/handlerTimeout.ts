/**
 * The time limit on a node handler. Handlers should be quick (they decide; effects do the
 * work), so one that has not returned its plan within the limit fails the run with a typed
 * HANDLER_TIMEOUT instead of holding the run's queue, its lease and every command queued
 * behind it (pause, step, resume) forever. Cancelling the run stops the wait at once.
 *
 * Wall-clock time (a real timer, not the injected clock): a fake clock in tests never moves
 * by itself. What a time limit cannot do inside one thread: stop a handler that busy-loops
 * synchronously; that needs handlers in worker threads (docs/backlog/012_work_queue.md).
 */
import { HandlerTimeoutError } from '../../src-shared/errors';

export const DEFAULT_HANDLER_TIMEOUT_MS = 30_000;

/** The handler's result, or HandlerTimeoutError after `ms`, or 'aborted' when `signal` fires first. */
export function withHandlerTimeout<T>(work: T | Promise<T>, ms: number, nodeId: string, signal: AbortSignal): Promise<T | 'aborted'> {
  if (!(work instanceof Promise)) return Promise.resolve(work);
  return new Promise<T | 'aborted'>((resolve, reject) => {
    const onAbort = () => settle(() => resolve('aborted'));
    const timer = setTimeout(
      () =>
        settle(() => reject(new HandlerTimeoutError(`node "${nodeId}" handler did not return within ${ms} ms`, { nodeId, timeoutMs: ms }))),
      ms,
    );
    let done = false;
    function settle(fn: () => void) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      fn();
    }
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => settle(() => resolve(v)),
      (e: unknown) => settle(() => reject(e)),
    );
  });
}
