/**
 * The time limit on a node handler. Handlers should be quick (they decide; effects do the
 * work), so one that has not returned its plan within the limit fails the run with a typed
 * HANDLER_TIMEOUT instead of holding the run's queue, its lease and every command queued
 * behind it (pause, step, resume) forever. Cancelling the run stops the wait at once.
 *
 * Wall-clock time (a real timer, not the injected clock): a fake clock in tests never moves
 * by itself; time the thread was blocked is given back (loopTimeout.ts). A time limit
 * inside one thread cannot stop a handler that busy-loops synchronously; the handler gets a signal that fires at the limit (or on cancel), so a
 * handler run elsewhere (the host runs project modules' handlers in worker threads,
 * host/handlerPool.ts) is stopped there.
 */
import { HandlerTimeoutError } from '../../src-shared/errors';
import { loopTimeout } from './loopTimeout';

export const DEFAULT_HANDLER_TIMEOUT_MS = 30_000;

/**
 * The signal a handler call is given, made only when the handler reads it: most never do, and
 * a controller made for every step was about 8% of a worker's main thread (bench/pgOursProbe.ts
 * with PROFILE). Aborted before it is read, it is read as aborted.
 */
export class HandlerLimit {
  private controller: AbortController | null = null;
  private aborted = false;

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort();
    }
    return this.controller.signal;
  }

  abort(): void {
    this.aborted = true;
    this.controller?.abort();
  }
}

/**
 * Calls `handler` with a signal that fires when the limit passes or `signal` does; gives its
 * result, or HandlerTimeoutError after `ms`, or 'aborted' when `signal` fires first.
 */
export function withHandlerTimeout<T>(
  handler: (limit: HandlerLimit) => T | Promise<T>,
  ms: number,
  nodeId: string,
  signal: AbortSignal,
): Promise<T | 'aborted'> {
  const limit = new HandlerLimit();
  let work: T | Promise<T>;
  try {
    work = handler(limit);
  } catch (err) {
    return Promise.reject(err);
  }
  if (!(work instanceof Promise)) return Promise.resolve(work);
  const pending = work;
  return new Promise<T | 'aborted'>((resolve, reject) => {
    const onAbort = () => settle(() => resolve('aborted'));
    const cancelTimeout = loopTimeout(ms, () =>
      settle(() => reject(new HandlerTimeoutError(`node "${nodeId}" handler did not return within ${ms} ms`, { nodeId, timeoutMs: ms }))),
    );
    let done = false;
    function settle(fn: () => void) {
      if (done) return;
      done = true;
      cancelTimeout();
      signal.removeEventListener('abort', onAbort);
      fn();
      // Whatever still runs for this call is no longer waited for: let it stop.
      limit.abort();
    }
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (v) => settle(() => resolve(v)),
      (e: unknown) => settle(() => reject(e)),
    );
  });
}
