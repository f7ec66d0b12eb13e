/**
 * The one API contract: every call the UI (or any client) can make, with its request
 * schema (validated at every transport) and its response type, and every event the host
 * streams. Implemented once in src-main/host, carried by IPC and by HTTP + WebSocket.
 */
import { z } from 'zod';
import type { ErrorPayload } from './errors';
import { findNonJsonPath, type JsonValue } from './json';
import type {
  LedgerRecord,
  LlmMode,
  RunState,
  RunSummary,
  Snapshot,
  SnapshotSummary,
  VerifyReport,
  WorkflowInfo,
} from './types';

const runId = z.string().min(1, 'runId is required').max(200);
const snapshotId = z.string().min(1, 'snapshotId is required').max(200);
// Not z.json(): that rebuilds values and refuses a RawNumber (a number kept exactly as
// written, src-shared/exactJson.ts); this checks the value and passes it through as it is.
const jsonValue = z.custom<JsonValue>((v) => findNonJsonPath(v) === null, { message: 'must be plain JSON' });
const jsonObject = z.record(z.string(), jsonValue);
const runStatus = z.enum(['running', 'waiting', 'completed', 'failed', 'cancelled']);

export const requestSchemas = {
  getInfo: z.object({}).strict(),
  listWorkflows: z.object({}).strict(),
  startRun: z
    .object({
      workflowId: z.string().min(1),
      version: z.string().optional(),
      vars: jsonObject.optional(),
      /** Start in step mode (nothing runs until stepRun/continueRun). */
      stepMode: z.boolean().optional(),
      /** Breakpoints set before the first step (pause BEFORE these nodes). */
      breakpoints: z.array(z.string().min(1)).max(500).optional(),
    })
    .strict(),
  listRuns: z
    .object({
      status: z.union([runStatus, z.array(runStatus)]).optional(),
      workflowId: z.string().optional(),
      search: z.string().max(500).optional(),
      limit: z.number().int().min(1).max(1000).optional(),
      offset: z.number().int().min(0).optional(),
    })
    .strict(),
  getRun: z.object({ runId }).strict(),
  getLedger: z
    .object({
      runId,
      afterSeq: z.number().int().min(-1).optional(),
      beforeSeq: z.number().int().min(0).optional(),
      fromEnd: z.boolean().optional(),
      limit: z.number().int().min(1).max(5000).optional(),
    })
    .strict(),
  /** The run's state as it was right after the record `seq` (for the state inspector). */
  getStateAt: z.object({ runId, seq: z.number().int().min(0) }).strict(),
  verifyRun: z.object({ runId }).strict(),
  answer: z.object({ runId, text: z.string(), waitKey: z.string().optional() }).strict(),
  resume: z.object({ runId, waitKey: z.string().min(1), payload: jsonValue }).strict(),
  decideToolCalls: z
    .object({
      runId,
      waitKey: z.string().min(1),
      decisions: z
        .array(
          z
            .object({
              call_id: z.string().min(1),
              approved: z.boolean(),
              arguments: jsonObject.optional(),
              reason: z.string().optional(),
            })
            .strict(),
        )
        .min(1),
    })
    .strict(),
  emitEvent: z.object({ name: z.string().min(1).max(200), payload: jsonValue.optional() }).strict(),
  cancelRun: z.object({ runId, reason: z.string().max(1000).optional() }).strict(),
  pauseRun: z.object({ runId }).strict(),
  unpauseRun: z.object({ runId }).strict(),
  /** Advances a run by exactly one step (and puts it in step mode). */
  stepRun: z.object({ runId }).strict(),
  /** Leaves step mode and advances until the run waits, ends or hits a breakpoint. */
  continueRun: z.object({ runId }).strict(),
  setStepMode: z.object({ runId, enabled: z.boolean() }).strict(),
  setBreakpoints: z.object({ runId, nodeIds: z.array(z.string().min(1)).max(500) }).strict(),
  createSnapshot: z
    .object({
      runId,
      name: z.string().min(1, 'a snapshot needs a name').max(200),
      description: z.string().max(5000).optional(),
      tags: z.array(z.string().min(1).max(100)).max(50).optional(),
    })
    .strict(),
  searchSnapshots: z
    .object({
      runId: z.string().optional(),
      text: z.string().max(500).optional(),
      from: z.string().optional(),
      to: z.string().optional(),
      limit: z.number().int().min(1).max(1000).optional(),
    })
    .strict(),
  restoreSnapshot: z.object({ snapshotId }).strict(),
  forkSnapshot: z.object({ snapshotId, vars: jsonObject.optional() }).strict(),
  exportRun: z.object({ runId }).strict(),
  /** The content of a stored artifact (a large value kept out of vars and records), by its hash. */
  getArtifact: z.object({ ref: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'ref must look like sha256:<64 hex digits>') }).strict(),
  /** A bundle (as produced by exportRun) to verify offline, without importing it. */
  verifyBundle: z.object({ bundle: z.unknown() }).strict(),
  importBundle: z.object({ bundle: z.unknown() }).strict(),
  getSettings: z.object({}).strict(),
  setSettings: z
    .object({
      llm: z
        .object({
          mode: z.enum(['local', 'remote', 'hybrid']).optional(),
          baseUrl: z.string().url().or(z.literal('')).optional(),
          model: z.string().max(200).optional(),
          /** Write-only: never returned, never written to vars, ledger, exports or logs. */
          apiKey: z.string().max(500).nullable().optional(),
          timeoutMs: z.number().int().min(100).max(600_000).optional(),
        })
        .strict()
        .optional(),
      signing: z.object({ enabled: z.boolean() }).strict().optional(),
    })
    .strict(),
} as const;

export type ApiMethod = keyof typeof requestSchemas;
export type ApiRequest<M extends ApiMethod> = z.infer<(typeof requestSchemas)[M]>;

export interface AppInfo {
  version: string;
  dataDir: string;
  dbPath: string;
  transport: 'electron' | 'web';
  /** Workflow modules from the project file that failed to load (file + cause). */
  workflowErrors?: { file: string; message: string }[];
  /** Runs whose ledger no longer reaches the signed head in the anchor file (rolled back or cut short). */
  integrityProblems?: { runId: string; message: string }[];
  /** Set when the database file was deleted or replaced under the running host: it writes nothing more. */
  databaseProblem?: string | null;
}

export interface RunView {
  state: RunState;
  workflow: WorkflowInfo | null;
  /** False when the workflow (id + version) is not registered here, or the run was imported read-only. */
  resumable: boolean;
  notResumableReason: string | null;
  stepMode: boolean;
  breakpoints: string[];
  children: RunSummary[];
}

export interface LedgerPageResponse {
  records: LedgerRecord[];
  total: number;
}

export interface ExportBundleResponse {
  fileName: string;
  bundle: unknown;
}

export interface ArtifactContent {
  ref: string;
  mime: string;
  size: number;
  /** utf8 for JSON and text (the exact stored text), base64 for anything else (images...). */
  encoding: 'utf8' | 'base64';
  data: string;
}

export interface Settings {
  llm: { mode: LlmMode; baseUrl: string; model: string; apiKeySet: boolean; timeoutMs: number };
  signing: { enabled: boolean; publicKey: string | null };
  dataDir: string;
}

export interface ApiResponses {
  getInfo: AppInfo;
  listWorkflows: WorkflowInfo[];
  startRun: RunState;
  listRuns: { runs: RunSummary[]; total: number };
  getRun: RunView;
  getLedger: LedgerPageResponse;
  getStateAt: { seq: number; vars: unknown; status: string; current_node: string | null };
  verifyRun: VerifyReport;
  answer: RunState;
  resume: RunState;
  decideToolCalls: RunState;
  emitEvent: { delivered: string[] };
  cancelRun: RunState;
  pauseRun: RunState;
  unpauseRun: RunState;
  stepRun: RunState;
  continueRun: RunState;
  setStepMode: RunView;
  setBreakpoints: RunView;
  createSnapshot: SnapshotSummary;
  searchSnapshots: SnapshotSummary[];
  restoreSnapshot: RunState;
  forkSnapshot: RunState;
  exportRun: ExportBundleResponse;
  getArtifact: ArtifactContent;
  verifyBundle: VerifyReport & { runId: string | null; workflowId: string | null };
  importBundle: { runId: string };
  getSettings: Settings;
  setSettings: Settings;
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ErrorPayload };

/** The API as a client sees it: every method takes its request and resolves to its response. */
export type RuntimeApi = { [M in ApiMethod]: (req: ApiRequest<M>) => Promise<ApiResponses[M]> };

/** A server-side handler map: one function per method, shared by every transport. */
export type ApiHandlers = { [M in ApiMethod]: (req: ApiRequest<M>) => Promise<ApiResponses[M]> | ApiResponses[M] };

export const API_METHODS = Object.keys(requestSchemas) as ApiMethod[];

// ---------------------------------------------------------------- events

export interface ApiEvents {
  runUpdated: { run: RunSummary };
  ledgerAppended: { runId: string; records: LedgerRecord[] };
  /** A run started waiting for a person (ask_user, tool approval, recovery). */
  attentionNeeded: { runId: string; workflowId: string; reason: string; prompt: string | null };
}

export type ApiEventName = keyof ApiEvents;
export type ApiEventMessage = { [E in ApiEventName]: { event: E; data: ApiEvents[E] } }[ApiEventName];

/** IPC channel names (Electron) and HTTP paths (web host). */
export { IPC_INVOKE_CHANNEL, IPC_EVENT_CHANNEL, HTTP_API_PREFIX, WS_EVENTS_PATH } from './transportPaths';

export type { Snapshot };
