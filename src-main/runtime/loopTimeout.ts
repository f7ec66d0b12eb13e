/**
 * A time limit that counts only time the event loop was free to run the work it limits.
 * When the thread was blocked past the limit (a synchronous database round trip, a
 * reconnect), the timer fires late, in the loop's timers phase, before the I/O callbacks of
 * work that finished meanwhile: calling that work timed out would record a failure for
 * something that happened. So a late timer first gives the stolen time back. Work that truly
 * hangs still runs out of time. Used by every time limit on user code: node handlers
 * (handlerTimeout.ts) and tools (effects/tools/runTool.ts).
 */

/** How late a timer may fire before the lateness counts as the thread having been blocked. */
const BLOCKED_SLACK_MS = 25;

/** Calls `onTimeout` once `ms` of free loop time have passed; returns the cancel function. */
export function loopTimeout(ms: number, onTimeout: () => void): () => void {
  let due = performance.now() + ms;
  let timer: ReturnType<typeof setTimeout>;
  const fire = () => {
    const late = performance.now() - due;
    if (late <= BLOCKED_SLACK_MS) return onTimeout();
    due = performance.now() + late;
    timer = setTimeout(fire, late);
  };
  timer = setTimeout(fire, ms);
  return () => clearTimeout(timer);
}
