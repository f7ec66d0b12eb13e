/**
 * Node handlers of workflow modules loaded from files run in a small pool of worker threads
 * (host/handlerWorker.ts), not in the host's thread: a handler that busy-loops cannot freeze
 * the API, the UI or other runs, and when the kernel stops waiting for it (the handler time
 * limit, a cancel) its worker is terminated, which stops even a synchronous `for(;;){}`.
 * Built-in workflows are our own code and stay in-process.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { HandlerError, NonJsonValueError } from '../../src-shared/errors';
import { readJsonExact, stringifyExact } from '../../src-shared/exactJson';
import type { NodeHandler, WorkflowDefinition } from '../runtime/contracts';
import type { HandlerJob, HandlerReply } from './handlerProtocol';

export interface HandlerPoolOptions {
  /** Worker threads at most (default: one per core, 2 to 4). */
  size?: number;
}

interface Pending {
  job: HandlerJob;
  resolve(plan: unknown): void;
  reject(err: Error): void;
}

interface PooledWorker {
  worker: Worker;
  ready: boolean;
  current: Pending | null;
}

// Eval'd as CommonJS in the new thread: registers tsx when the entry is TypeScript source
// (a checkout), then loads the entry. Bundled builds ship the entry as JavaScript.
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsxApi) (await import(workerData.tsxApi)).register();
  await import(workerData.entry);
})();
`;

export class HandlerPool {
  private readonly size: number;
  private readonly workers = new Set<PooledWorker>();
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;
  private readonly entry = workerEntry();

  constructor(opts: HandlerPoolOptions = {}) {
    this.size = Math.max(1, opts.size ?? Math.min(4, Math.max(2, availableParallelism())));
  }

  /** A copy of `def` whose node handlers run in this pool (the module file is imported there by URL). */
  isolate(def: WorkflowDefinition, file: string): WorkflowDefinition {
    const nodes = Object.fromEntries(
      Object.entries(def.nodes).map(([nodeId, node]) => {
        const handler: NodeHandler = (run, ctx) =>
          this.run(
            {
              file,
              workflowId: def.id,
              workflowVersion: def.version,
              nodeId,
              runText: stringifyExact(run),
              visit: ctx.visit,
              now: ctx.now.toISOString(),
            },
            ctx.signal,
          ) as ReturnType<NodeHandler>;
        return [nodeId, { ...node, handler }];
      }),
    );
    return { ...def, nodes };
  }

  /** Runs one handler call in a worker; its plan, or the handler's error. `signal` terminates the worker running it. */
  run(job: Omit<HandlerJob, 'id'>, signal?: AbortSignal): Promise<unknown> {
    if (this.closed) return Promise.reject(new HandlerError('the host is closing: handlers no longer run'));
    return new Promise<unknown>((resolve, reject) => {
      const pending: Pending = { job: { ...job, id: this.nextId++ }, resolve, reject };
      if (signal) {
        if (signal.aborted) return reject(new HandlerError(`node "${job.nodeId}" handler was stopped before it ran`));
        signal.addEventListener('abort', () => this.abort(pending), { once: true });
      }
      this.queue.push(pending);
      this.dispatch();
    });
  }

  /** Starts one worker now so the first handler call does not wait for a thread to load. */
  warm(): void {
    if (!this.closed && this.workers.size === 0) this.spawn();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new HandlerError('the host closed before the handler ran'));
    await Promise.all([...this.workers].map((w) => this.retire(w, new HandlerError('the host closed while the handler ran'))));
  }

  private dispatch(): void {
    while (this.queue.length) {
      const free = [...this.workers].find((w) => w.ready && !w.current);
      if (!free) {
        const starting = [...this.workers].some((w) => !w.ready);
        if (!starting && this.workers.size < this.size) this.spawn();
        return;
      }
      const next = this.queue.shift()!;
      free.current = next;
      free.worker.ref();
      free.worker.postMessage(next.job);
    }
  }

  private spawn(): void {
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: this.entry });
    // An idle worker must not keep a CLI process alive (one with a call in flight does).
    worker.unref();
    const w: PooledWorker = { worker, ready: false, current: null };
    this.workers.add(w);
    worker.on('message', (msg: HandlerReply | { ready: true }) => {
      if ('ready' in msg) {
        w.ready = true;
        this.dispatch();
        return;
      }
      const done = w.current;
      if (!done || done.job.id !== msg.id) return;
      w.current = null;
      worker.unref();
      settle(done, msg);
      this.dispatch();
    });
    worker.on('error', (err) => void this.retire(w, new HandlerError(`handler worker failed: ${err.message}`)));
    worker.on('exit', (code) => void this.retire(w, new HandlerError(`handler worker exited (code ${code})`)));
  }

  private abort(p: Pending): void {
    const queued = this.queue.indexOf(p);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      p.reject(new HandlerError(`node "${p.job.nodeId}" handler was stopped before it ran`));
      return;
    }
    const w = [...this.workers].find((x) => x.current === p);
    if (w) void this.retire(w, new HandlerError(`node "${p.job.nodeId}" handler was stopped`));
  }

  /** Ends a worker (whatever it is doing) and fails the call it had. */
  private async retire(w: PooledWorker, why: Error): Promise<void> {
    if (!this.workers.delete(w)) return;
    const current = w.current;
    w.current = null;
    current?.reject(why);
    // A worker that died before it was ready would die again: fail what waits instead of respawning in a loop.
    if (!w.ready) for (const p of this.queue.splice(0)) p.reject(new HandlerError(`handler worker could not start: ${why.message}`));
    await w.worker.terminate();
    this.dispatch();
  }
}

function settle(p: Pending, reply: HandlerReply): void {
  if (reply.ok) {
    try {
      p.resolve(readJsonExact(reply.planText, 'plan'));
    } catch (err) {
      p.reject(err as Error);
    }
    return;
  }
  const { code, message, path } = reply.error;
  if (code === 'NON_JSON_VALUE') p.reject(new NonJsonValueError(message, { nodeId: p.job.nodeId, path: path ?? null }));
  else if (code === 'HANDLER_ERROR') p.reject(new HandlerError(message, { nodeId: p.job.nodeId }));
  // A thrown value: the kernel makes it HANDLER_ERROR with the node named, as for an in-process handler.
  else p.reject(new Error(message));
}

/**
 * The worker's entry: the bundled JavaScript beside this file (the CLI bundle) or one folder
 * up (the desktop build puts this code in a chunk under out/main/chunks), else the
 * TypeScript source through tsx (a checkout run from source).
 */
function workerEntry(): { entry: string; tsxApi: string | null } {
  for (const name of ['./handlerWorker.mjs', './handlerWorker.js', '../handlerWorker.js']) {
    const url = new URL(name, import.meta.url);
    if (existsSync(fileURLToPath(url))) return { entry: url.href, tsxApi: null };
  }
  return { entry: new URL('./handlerWorker.ts', import.meta.url).href, tsxApi: tsxEsmApi() };
}

/** tsx's ESM api file (its CommonJS twin cannot register the ESM hooks in a worker). */
function tsxEsmApi(): string {
  const pkgFile = createRequire(import.meta.url).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(join(dirname(pkgFile), pkg.exports['./esm/api']!.import.default)).href;
}
