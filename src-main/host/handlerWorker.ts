/**
 * A handler worker (one thread of host/handlerPool.ts): imports a workflow module file the
 * way the loader does, runs the named node's handler with the run and context it is sent,
 * and sends back the plan as exact JSON text. Modules are imported once per worker, so
 * module-level state is per thread: a handler must not count on state another call left.
 */
import { parentPort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { findNonJsonPath } from '../../src-shared/json';
import { readJsonExact, stringifyExact } from '../../src-shared/exactJson';
import type { RunState } from '../../src-shared/types';
import type { WorkflowDefinition } from '../runtime/contracts';
import type { HandlerJob, HandlerReply } from './handlerProtocol';
import { workflowsOf } from './workflowLoader';

const modules = new Map<string, Promise<WorkflowDefinition[]>>();

function workflowsIn(file: string): Promise<WorkflowDefinition[]> {
  let found = modules.get(file);
  if (!found) {
    found = (async () => {
      const { tsImport } = await import('tsx/esm/api');
      const mod = (await tsImport(pathToFileURL(file).href, import.meta.url)) as Record<string, unknown>;
      return workflowsOf(mod, file);
    })();
    modules.set(file, found);
  }
  return found;
}

async function run(job: HandlerJob): Promise<HandlerReply> {
  const at = `node "${job.nodeId}" of ${job.workflowId}@${job.workflowVersion}`;
  try {
    const wf = (await workflowsIn(job.file)).find((w) => w.id === job.workflowId && w.version === job.workflowVersion);
    const node = wf?.nodes[job.nodeId];
    if (!node) return { id: job.id, ok: false, error: { code: 'HANDLER_ERROR', message: `${job.file} no longer defines ${at}` } };
    const state = readJsonExact(job.runText, 'run') as unknown as RunState;
    const plan: unknown = await node.handler(state, { nodeId: job.nodeId, visit: job.visit, now: new Date(job.now) });
    const bad = findNonJsonPath(plan, 'plan');
    if (bad)
      return {
        id: job.id,
        ok: false,
        error: { code: 'NON_JSON_VALUE', path: bad, message: `${at} returned a value that is not plain JSON at ${bad}` },
      };
    return { id: job.id, ok: true, planText: stringifyExact(plan) };
  } catch (err) {
    // As in the host's thread, a thrown value becomes the kernel's HANDLER_ERROR (retry policy applies).
    return { id: job.id, ok: false, error: { code: null, message: err instanceof Error ? err.message : String(err) } };
  }
}

parentPort!.on('message', (job: HandlerJob) => {
  void run(job).then((reply) => parentPort!.postMessage(reply));
});
parentPort!.postMessage({ ready: true });
