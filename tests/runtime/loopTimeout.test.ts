/**
 * The time limits on user code (node handlers, tools) count only time the event loop was
 * free: a handler that finished while the thread was blocked past its limit (a synchronous
 * database call) reports its result, and one that hangs still runs out of time.
 */
import { appendFile } from 'node:fs/promises';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HandlerTimeoutError } from '../../src-shared/errors';
import { withHandlerTimeout } from '../../src-main/runtime/handlerTimeout';

const blockThread = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

describe('time limits on handlers', () => {
  it('a handler that finished while the thread was blocked past its limit gives its plan, not a timeout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ar-handler-blocked-'));
    try {
      const file = join(dir, 'out.txt');
      const never = new AbortController().signal;
      const pending = withHandlerTimeout(async () => (await appendFile(file, 'x'), { next: 'b' }), 50, 'a', never);
      blockThread(400);
      await expect(pending).resolves.toEqual({ next: 'b' });
      expect(readFileSync(file, 'utf8')).toBe('x');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a handler that never settles still fails with HANDLER_TIMEOUT', async () => {
    const pending = withHandlerTimeout(() => new Promise(() => {}), 50, 'a', new AbortController().signal);
    await expect(pending).rejects.toBeInstanceOf(HandlerTimeoutError);
  });
});
