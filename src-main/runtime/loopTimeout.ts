/**
 * A time limit that counts only time the event loop was free to run the work it limits.
 * The thread is not free while it waits synchronously for the database (the store
 * contracts are synchronous): the work it limits cannot take a step then, however done it
 * is. Two kinds of stolen time are given back:
 * - waits a synchronous client notes (`noteBlocked`: PgSyncClient notes each call), each
 *   counted whole, even one that ended long before the limit — a tool's few continuations
 *   can each be held back by such a wait (seen with a PostgreSQL restart mid-run, when
 *   every call waited for the reconnect);
 * - a timer that fires late, past what the noted waits explain (another synchronous wait,
 *   a stopped process): it fires in the loop's timers phase, before the I/O callbacks of
 *   work that finished meanwhile, and calling that work timed out would record a failure
 *   for something that happened.
 * Work that truly hangs still runs out of time. Used by every time limit on user code:
 * node handlers (handlerTimeout.ts) and tools (effects/tools/runTool.ts).
 */

/** How late a timer may fire before the lateness counts as the thread having been blocked. */
const BLOCKED_SLACK_MS = 25;

/** Milliseconds this thread spent in noted synchronous waits (per thread: each has its own module). */
let blockedMs = 0;

/** Notes a synchronous wait of this thread that no time limit should count. */
export function noteBlocked(ms: number): void {
  if (ms > 0) blockedMs += ms;
}

/** Calls `onTimeout` once `ms` of free loop time have passed; returns the cancel function. */
export function loopTimeout(ms: number, onTimeout: () => void): () => void {
  const start = performance.now();
  const blockedAtStart = blockedMs;
  /** Lateness no noted wait explains. */
  let unexplained = 0;
  let due = start + ms;
  let blockedAtSchedule = blockedMs;
  let timer: ReturnType<typeof setTimeout>;
  const fire = () => {
    const now = performance.now();
    const late = now - due;
    const lateUnexplained = late > BLOCKED_SLACK_MS ? Math.max(0, late - (blockedMs - blockedAtSchedule)) : 0;
    unexplained += lateUnexplained;
    let left = ms - (now - start - (blockedMs - blockedAtStart) - unexplained);
    // How much of the time before `due` such a wait took is unknown: the work gets at least
    // as long again, its I/O callbacks a turn to run.
    if (lateUnexplained > 0) left = Math.max(left, lateUnexplained);
    if (left < 1) return onTimeout();
    due = now + left;
    blockedAtSchedule = blockedMs;
    timer = setTimeout(fire, left);
  };
  timer = setTimeout(fire, ms);
  return () => clearTimeout(timer);
}
