/**
 * The messages between the host and a handler worker (host/handlerPool.ts, host/handlerWorker.ts).
 * Values cross as JSON text under the exact number policy (src-shared/exactJson.ts), never
 * as structured clones: a RawNumber or a bigint-sized integer must arrive as it left.
 */

/** Run one node's handler of a workflow module file. */
export interface HandlerJob {
  id: number;
  /** The module file, as the loader imported it. */
  file: string;
  workflowId: string;
  workflowVersion: string;
  nodeId: string;
  /** The run as the handler sees it (artifacts resolved), exact JSON text. */
  runText: string;
  visit: number;
  /** NodeContext.now, ISO time. */
  now: string;
}

export type HandlerReply =
  { id: number; ok: true; planText: string } | { id: number; ok: false; error: { code: string | null; message: string; path?: string } };
