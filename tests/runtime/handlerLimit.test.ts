/**
 * The signal a node handler is given (NodeContext.signal) is made only when the handler reads
 * it, and says the same either way: a handler that reads it after the kernel stopped waiting
 * finds it aborted, one that read it before hears the abort.
 */
import { describe, expect, it } from 'vitest';
import { HandlerLimit, withHandlerTimeout } from '../../src-main/runtime/handlerTimeout';

describe('HandlerLimit', () => {
  it('read after the abort: already aborted; read before: the abort event fires', () => {
    const late = new HandlerLimit();
    late.abort();
    expect(late.signal.aborted).toBe(true);

    const early = new HandlerLimit();
    const signal = early.signal;
    let heard = 0;
    signal.addEventListener('abort', () => heard++);
    expect(signal.aborted).toBe(false);
    early.abort();
    expect(heard).toBe(1);
    expect(early.signal).toBe(signal);
  });

  it('a handler that keeps working after its plan arrived finds its signal aborted when it looks', async () => {
    let limit!: HandlerLimit;
    const plan = await withHandlerTimeout(
      async (l) => {
        limit = l;
        return { next: 'b' };
      },
      1000,
      'a',
      new AbortController().signal,
    );
    expect(plan).toEqual({ next: 'b' });
    expect(limit.signal.aborted).toBe(true);
  });
});
