/**
 * The one API contract: every call the UI (or any client) can make, with its request
 * schema (validated at every transport) and its response type, and every event the host
 * streams. Implemented once in src-main/host, carried by IPC and by HTTP + WebSocket.
 */
import { z } from 'zod';
import type { ErrorPayload } from './errors';
import { findNonJsonPath, type JsonObject, type JsonValue } from './json';
import type { LedgerSearchHit } from './ledgerFilter';
import { RUN_ID_PATTERN, RUN_ID_RULE } from './runId';
import type { TimeTravelPreview } from './timeTravel';
import type { LedgerRecord, LlmMode, RunState, RunSummary, SnapshotSummary, VerifyReport, WorkflowInfo } from './types';

const runId = z.string().min(1, 'runId is required').max(200).regex(RUN_ID_PATTERN, `runId must be ${RUN_ID_RULE}`);
const snapshotId = z.string().min(1, 'snapshotId is required').max(200);
// Not z.json(): that rebuilds values and refuses a RawNumber (a number kept exactly as
// written, src-shared/exactJson.ts); this checks the value and passes it through as it is.
const jsonValue = z.custom<JsonValue>((v) => findNonJsonPath(v) === null, { message: 'must be plain JSON' });
const jsonObject: z.ZodType<JsonObject> = z.record(z.string(), jsonValue);
/** Matches a filter returns at most (a whole 100k-record run fits). */
export const FIND_LEDGER_MAX = 200_000;
const runStatus = z.enum(['running', 'waiting', 'completed', 'failed', 'cancelled']);

/**
 * One API method: the zod schema every transport validates the request with, and the
 * response type the host's handler must produce. The response is compile-time only: it is
 * produced by our own host, so there is nothing to validate at run time.
 */
interface ApiMethodSpec<Request extends z.ZodType, Response> {
  readonly request: Request;
  /** Phantom: never set; carries the response type for `ApiResponses`. */
  readonly response?: Response;
}

function request<Request extends z.ZodType>(schema: Request) {
  return { returns: <Response>(): ApiMethodSpec<Request, Response> => ({ request: schema }) };
}

/** The one declaration of every method: request schema and response type together. */
export const apiMethods = {
  getInfo: request(z.object({}).strict()).returns<AppInfo>(),
  listWorkflows: request(z.object({}).strict()).returns<WorkflowInfo[]>(),
  startRun: request(
    z
      .object({
        workflowId: z.string().min(1),
        version: z.string().optional(),
        vars: jsonObject.optional(),
        /** Start in step mode (nothing runs until stepRun/continueRun). */
        stepMode: z.boolean().optional(),
        /** Breakpoints set before the first step (pause BEFORE these nodes). */
        breakpoints: z.array(z.string().min(1)).max(500).optional(),
        /** Only create the run (its `run_started` record): a worker on the database advances it. */
        detach: z.boolean().optional(),
      })
      .strict(),
  ).returns<RunState>(),
  listRuns: request(
    z
      .object({
        status: z.union([runStatus, z.array(runStatus)]).optional(),
        workflowId: z.string().optional(),
        search: z.string().max(500).optional(),
        limit: z.number().int().min(1).max(1000).optional(),
        /** Legacy paging (cost grows with it); prefer `cursor`. */
        offset: z.number().int().min(0).optional(),
        /** The `nextCursor` of the previous page: the next page at the same cost at any depth. */
        cursor: z.string().min(1).max(1000).optional(),
        /** Created at or after this ISO time. */
        createdFrom: z.string().max(100).optional(),
        /** Created before this ISO time. */
        createdTo: z.string().max(100).optional(),
      })
      .strict(),
  ).returns<{ runs: RunSummary[]; total: number; nextCursor?: string | null }>(),
  getRun: request(z.object({ runId }).strict()).returns<RunView>(),
  getLedger: request(
    z
      .object({
        runId,
        afterSeq: z.number().int().min(-1).optional(),
        beforeSeq: z.number().int().min(0).optional(),
        fromEnd: z.boolean().optional(),
        limit: z.number().int().min(1).max(5000).optional(),
      })
      .strict(),
  ).returns<LedgerPageResponse>(),
  /** The seqs of the run's records that pass the ledger filters (src-shared/ledgerFilter.ts), in order. */
  findLedger: request(
    z
      .object({
        runId,
        kind: z.string().max(100).optional(),
        nodeId: z.string().max(200).optional(),
        status: z.enum(['started', 'completed', 'waiting', 'failed']).optional(),
        show: z.enum(['all', 'effects', 'waits', 'errors']).optional(),
        text: z.string().max(500).optional(),
        limit: z.number().int().min(1).max(FIND_LEDGER_MAX).optional(),
      })
      .strict(),
  ).returns<{ seqs: number[]; truncated: boolean }>(),
  /** Records of any run containing every word of `text` (full-text index, best matches first). */
  searchLedgers: request(
    z
      .object({ text: z.string().min(1, 'type something to search for').max(500), limit: z.number().int().min(1).max(500).optional() })
      .strict(),
  ).returns<{ hits: LedgerSearchHit[] }>(),
  /** The run's state as it was right after the record `seq` (for the state inspector). */
  getStateAt: request(z.object({ runId, seq: z.number().int().min(0) }).strict()).returns<{
    seq: number;
    vars: unknown;
    status: string;
    current_node: string | null;
  }>(),
  verifyRun: request(z.object({ runId }).strict()).returns<VerifyReport>(),
  answer: request(z.object({ runId, text: z.string(), waitKey: z.string().optional() }).strict()).returns<RunState>(),
  resume: request(z.object({ runId, waitKey: z.string().min(1), payload: jsonValue }).strict()).returns<RunState>(),
  decideToolCalls: request(
    z
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
  ).returns<RunState>(),
  emitEvent: request(z.object({ name: z.string().min(1).max(200), payload: jsonValue.optional() }).strict()).returns<{
    delivered: string[];
  }>(),
  cancelRun: request(z.object({ runId, reason: z.string().max(1000).optional() }).strict()).returns<RunState>(),
  pauseRun: request(z.object({ runId }).strict()).returns<RunState>(),
  unpauseRun: request(z.object({ runId }).strict()).returns<RunState>(),
  /** Advances a run by exactly one step (and puts it in step mode). */
  stepRun: request(z.object({ runId }).strict()).returns<RunState>(),
  /** Leaves step mode and advances until the run waits, ends or hits a breakpoint. */
  continueRun: request(z.object({ runId }).strict()).returns<RunState>(),
  setStepMode: request(z.object({ runId, enabled: z.boolean() }).strict()).returns<RunView>(),
  setBreakpoints: request(z.object({ runId, nodeIds: z.array(z.string().min(1)).max(500) }).strict()).returns<RunView>(),
  createSnapshot: request(
    z
      .object({
        runId,
        name: z.string().min(1, 'a snapshot needs a name').max(200),
        description: z.string().max(5000).optional(),
        tags: z.array(z.string().min(1).max(100)).max(50).optional(),
      })
      .strict(),
  ).returns<SnapshotSummary>(),
  searchSnapshots: request(
    z
      .object({
        runId: z.string().optional(),
        text: z.string().max(500).optional(),
        from: z.string().optional(),
        to: z.string().optional(),
        limit: z.number().int().min(1).max(1000).optional(),
        /** The last snapshot of the previous page: the next page, at the same cost at any depth. */
        after: z
          .object({ created_at: z.string().min(1), snapshot_id: z.string().min(1) })
          .strict()
          .optional(),
      })
      .strict(),
  ).returns<SnapshotSummary[]>(),
  restoreSnapshot: request(z.object({ snapshotId }).strict()).returns<RunState>(),
  forkSnapshot: request(z.object({ snapshotId, vars: jsonObject.optional() }).strict()).returns<RunState>(),
  /** What restoring to / forking from the state right after record `seq` will do. */
  previewTimeTravel: request(z.object({ runId, seq: z.number().int().min(0) }).strict()).returns<TimeTravelPreview>(),
  /** The run goes back to the state right after record `seq` (a `restored` record; later records are superseded). */
  restoreToRecord: request(z.object({ runId, seq: z.number().int().min(0) }).strict()).returns<RunState>(),
  /** A new run from the state right after record `seq`, optionally with edited vars. */
  forkFromRecord: request(z.object({ runId, seq: z.number().int().min(0), vars: jsonObject.optional() }).strict()).returns<RunState>(),
  exportRun: request(z.object({ runId }).strict()).returns<ExportBundleResponse>(),
  /** The content of a stored artifact (a large value kept out of vars and records), by its hash. */
  getArtifact: request(
    z.object({ ref: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'ref must look like sha256:<64 hex digits>') }).strict(),
  ).returns<ArtifactContent>(),
  /** A bundle (as produced by exportRun) to verify offline, without importing it. */
  verifyBundle: request(z.object({ bundle: z.unknown() }).strict()).returns<
    VerifyReport & { runId: string | null; workflowId: string | null }
  >(),
  importBundle: request(z.object({ bundle: z.unknown() }).strict()).returns<{ runId: string }>(),
  /** A Python store folder to look at, read-only (nothing is imported); `watch` follows its files. */
  openFolder: request(z.object({ path: z.string().min(1).max(4096), watch: z.boolean().optional() }).strict()).returns<ForeignFolderInfo>(),
  listFolders: request(z.object({}).strict()).returns<ForeignFolderInfo[]>(),
  getSettings: request(z.object({}).strict()).returns<Settings>(),
  setSettings: request(
    z
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
        /** Folders the file tools may use (absolute paths; null: the defaults). The data folder stays out of reach whatever is listed. */
        tools: z
          .object({ allowedFolders: z.array(z.string().min(1).max(4096)).max(64).nullable() })
          .strict()
          .optional(),
        /** The database opened on the next start (a postgres:// URL or an absolute SQLite path; null: the default file). Write-only as to its password. */
        database: z
          .object({ url: z.string().max(4096).nullable() })
          .strict()
          .optional(),
      })
      .strict(),
  ).returns<Settings>(),
} as const;

export type ApiMethod = keyof typeof apiMethods;
export type ApiRequest<M extends ApiMethod> = z.infer<(typeof apiMethods)[M]['request']>;
export type ApiResponses = {
  [M in ApiMethod]: (typeof apiMethods)[M] extends ApiMethodSpec<z.ZodType, infer Response> ? Response : never;
};

export const API_METHODS = Object.keys(apiMethods) as ApiMethod[];

/** The request schemas alone, by method (what a transport validates with). */
export const requestSchemas = Object.fromEntries(API_METHODS.map((m) => [m, apiMethods[m].request])) as {
  [M in ApiMethod]: (typeof apiMethods)[M]['request'];
};

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
  /** Runnable for a while and held by no live process: why nothing advances it (null: not stalled). */
  stalled?: StalledInfo | null;
  /** Set for a run seen in an open Python store folder (read-only, not in this database). */
  foreign?: { path: string } | null;
  /**
   * `vars` and `output` as JSON text with the numbers exactly as a Python run file has them
   * (`1.0`, `-0.0`, 2^53+1), for an imported Python run that has not moved; else absent.
   */
  exactValues?: { vars: string; output: string } | null;
}

/** An open Python store folder: its runs, and the ones that cannot be shown and why. */
export interface ForeignFolderInfo {
  path: string;
  watching: boolean;
  runs: RunSummary[];
  skipped: { runId: string; path: string; code: string; message: string }[];
}

export interface StalledInfo {
  /** When the run became runnable (ISO). */
  since: string;
  reason: string;
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
  /** The folders file tools may use now (the defaults unless changed in Settings). */
  tools?: { allowedFolders: string[] };
  /** The database set for the next start (a path, or a URL with its password hidden); null: the default file. */
  database?: { configured: string | null };
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ErrorPayload };

/**
 * The API as a client sees it: every method takes its request and resolves to its response.
 * @public (for embedders and other branches' clients; nothing here implements it yet)
 */
export type RuntimeApi = { [M in ApiMethod]: (req: ApiRequest<M>) => Promise<ApiResponses[M]> };

/** A server-side handler map: one function per method, shared by every transport. */
export type ApiHandlers = { [M in ApiMethod]: (req: ApiRequest<M>) => Promise<ApiResponses[M]> | ApiResponses[M] };

// ---------------------------------------------------------------- events

export interface ApiEvents {
  /** `foreign`: a run of an open Python store folder, not of this database. */
  runUpdated: { run: RunSummary; foreign?: boolean };
  ledgerAppended: { runId: string; records: LedgerRecord[] };
  /** A run started waiting for a person (ask_user, tool approval, recovery). */
  attentionNeeded: { runId: string; workflowId: string; reason: string; prompt: string | null };
  /** Many runs changed elsewhere at once (another process): lists and counts should reload. */
  runsChanged: { count: number };
}

export type ApiEventName = keyof ApiEvents;
export type ApiEventMessage = { [E in ApiEventName]: { event: E; data: ApiEvents[E] } }[ApiEventName];

/** IPC channel names (Electron) and HTTP paths (web host). */
export { IPC_INVOKE_CHANNEL, IPC_EVENT_CHANNEL, HTTP_API_PREFIX, WS_EVENTS_PATH } from './transportPaths';
