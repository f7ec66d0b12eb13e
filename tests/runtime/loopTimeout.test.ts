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
import { loopTimeout, noteBlocked } from '../../src-main/runtime/loopTimeout';

const blockThread = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A synchronous database call as PgSyncClient makes one: the thread blocked, the wait noted. */
const noted = (ms: number) => {
  const started = performance.now();
  blockThread(ms);
  noteBlocked(performance.now() - started);
};

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

describe('loopTimeout', () => {
  it('noted synchronous waits do not count, even waits that each ended before the limit was due', async () => {
    let fired = false;
    const cancel = loopTimeout(2000, () => (fired = true));
    try {
      // Two waits of a second, each over before the limit is due, then 300 ms of free time:
      // past the limit by the clock, far from it by free time.
      for (let i = 0; i < 2; i++) {
        await sleep(1);
        noted(1000);
      }
      await sleep(300);
      expect(fired).toBe(false);
    } finally {
      cancel();
    }
  });

  it('still fires once the free time is used up, the noted waits added on', async () => {
    const started = performance.now();
    const fired = new Promise<number>((resolve) => loopTimeout(200, () => resolve(performance.now())));
    noted(300);
    const at = await fired;
    expect(at - started).toBeGreaterThanOrEqual(500 - 5);
  });
});
