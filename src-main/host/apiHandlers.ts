/**
 * The API (src-shared/api.ts) implemented once over a RuntimeHost. Transports validate
 * requests with the `apiMethods` schemas before calling these; the CLI calls them directly.
 */
import { FIND_LEDGER_MAX, type ApiHandlers, type AppInfo, type RunView } from '../../src-shared/api';
import { BundleInvalidError, RunNotResumableError, ValidationError } from '../../src-shared/errors';
import { createExportBundle, importBundle, ownPublicKey, TrustList, verifyBundle, verifyRunLedger, withTrust } from '../ledger/index';
import type { RuntimeHost } from './RuntimeHost';
import { hasArtifacts, readArtifact } from './artifactContent';
import { withPendingCallsResolved } from '../runtime/artifacts';
import { assertBundleState, withBundleState } from './bundleState';
import { databaseProblem } from './databaseProblem';
import { findInLedger, searchLedgers } from './ledgerFind';
import { StateAtIndex } from './stateAt';
import { previewTimeTravel, snapshotAfter } from './timeTravel';
import { toWorkflowInfo } from './workflowInfo';
import { workflowFromLedger } from './workflowFromLedger';
import type { SqliteStore } from '../store/sqlite/SqliteStore';

export interface ApiHandlerOptions {
  transport?: AppInfo['transport'];
  version?: string;
}

export function runView(host: RuntimeHost, runId: string): RunView {
  const foreign = foreignStore(host, runId);
  if (foreign) return foreignRunView(host, foreign, runId);
  const state = host.getRun(runId);
  const wf = host.workflowFor(state);
  const reason = host.notResumableReason(state);
  return {
    state: withPendingCallsResolved(state, hasArtifacts(host.store) ? host.store : undefined),
    workflow: wf ? toWorkflowInfo(wf.definition, wf.source) : null,
    resumable: reason === null,
    notResumableReason: reason,
    stepMode: host.stepMode(runId),
    breakpoints: host.breakpoints(runId),
    children: host.listChildren(runId),
    stalled: host.stalled(state),
  };
}

/** The private store of the open Python folder that shows this run, when it is not one of ours. */
function foreignStore(host: RuntimeHost, runId: string): SqliteStore | null {
  if (host.store.getRun(runId)) return null;
  return host.foreign.storeOf(runId);
}

function foreignRunView(host: RuntimeHost, store: SqliteStore, runId: string): RunView {
  const state = store.getRun(runId)!;
  const path = host.foreign.folderOf(runId) ?? '';
  const wf = host.workflowFor(state);
  return {
    state: withPendingCallsResolved(state, store),
    workflow: wf ? toWorkflowInfo(wf.definition, wf.source) : workflowFromLedger(state.workflow_id, store.iterateLedger(runId)),
    resumable: false,
    notResumableReason: `foreign run (read-only): followed from the Python store ${path}`,
    stepMode: false,
    breakpoints: [],
    children: store.listRuns({ parentRunId: runId, limit: 1000 }).runs,
    stalled: null,
    foreign: { path },
  };
}

export function createApiHandlers(host: RuntimeHost, opts: ApiHandlerOptions = {}): ApiHandlers {
  const states = new StateAtIndex(host.store);
  return {
    getInfo: () => ({
      version: opts.version ?? '0.1.0',
      dataDir: host.dataDir ?? '',
      dbPath: host.dbPath ?? ':memory:',
      transport: opts.transport ?? 'web',
      workflowErrors: host.workflowErrors.map((e) => ({ file: e.file, message: e.message })),
      integrityProblems: host.integrityProblems.map((p) => ({ runId: p.runId, message: p.report.message })),
      databaseProblem: databaseProblem(host.store),
    }),
    listWorkflows: () => host.listWorkflows(),
    startRun: (req) =>
      host.startRun(req.workflowId, req.vars ?? {}, {
        ...(req.version ? { version: req.version } : {}),
        ...(req.stepMode !== undefined ? { stepMode: req.stepMode } : {}),
        ...(req.breakpoints ? { breakpoints: req.breakpoints } : {}),
        ...(req.detach ? { detach: true } : {}),
      }),
    listRuns: (req) => {
      const page = host.store.listRuns({
        ...req,
        ...(req.createdFrom !== undefined ? { createdFrom: isoTime('createdFrom', req.createdFrom) } : {}),
        ...(req.createdTo !== undefined ? { createdTo: isoTime('createdTo', req.createdTo) } : {}),
      });
      return { ...page, runs: host.withStalled(page.runs) };
    },
    getRun: (req) => runView(host, req.runId),
    getLedger: (req) => {
      const store = foreignStore(host, req.runId) ?? host.store;
      if (store === host.store) host.getRun(req.runId);
      const limit = req.limit ?? 200;
      return store.readLedger(req.runId, {
        limit,
        ...(req.afterSeq !== undefined ? { afterSeq: req.afterSeq } : {}),
        ...(req.beforeSeq !== undefined ? { beforeSeq: req.beforeSeq } : {}),
        ...(req.fromEnd !== undefined ? { fromEnd: req.fromEnd } : {}),
      });
    },
    getStateAt: (req) => {
      const foreign = foreignStore(host, req.runId);
      if (foreign) return new StateAtIndex(foreign).stateAt(foreign.getRun(req.runId)!, req.seq);
      return states.stateAt(host.getRun(req.runId), req.seq);
    },
    verifyRun: (req) => {
      const foreign = foreignStore(host, req.runId);
      if (foreign) return verifyRunLedger(foreign, req.runId);
      host.getRun(req.runId);
      return withTrust(verifyRunLedger(host.store, req.runId, host.verifyOptions()), trustContext(host));
    },
    findLedger: (req) => {
      host.getRun(req.runId);
      const { runId, limit = FIND_LEDGER_MAX, ...filter } = req;
      const seqs = findInLedger(host.store, runId, filter, limit + 1);
      return { seqs: seqs.slice(0, limit), truncated: seqs.length > limit };
    },
    searchLedgers: (req) => ({ hits: searchLedgers(host.store, req.text, req.limit ?? 100) }),
    answer: (req) => host.answer(req.runId, req.text, req.waitKey),
    resume: (req) => host.resume(req.runId, req.waitKey, req.payload),
    decideToolCalls: (req) => host.decideToolCalls(req.runId, req.waitKey, req.decisions),
    emitEvent: (req) => host.emitEvent(req.name, req.payload ?? null),
    cancelRun: (req) => host.cancelRun(req.runId, req.reason),
    pauseRun: (req) => host.pauseRun(req.runId),
    unpauseRun: (req) => host.unpauseRun(req.runId),
    stepRun: (req) => host.stepRun(req.runId),
    continueRun: (req) => host.continueRun(req.runId),
    setStepMode: async (req) => {
      await host.setStepMode(req.runId, req.enabled);
      return runView(host, req.runId);
    },
    setBreakpoints: (req) => {
      host.setBreakpoints(req.runId, req.nodeIds);
      return runView(host, req.runId);
    },
    createSnapshot: (req) =>
      host.createSnapshot(req.runId, {
        name: req.name,
        ...(req.description !== undefined ? { description: req.description } : {}),
        ...(req.tags ? { tags: req.tags } : {}),
      }),
    searchSnapshots: (req) =>
      host.searchSnapshots({
        ...req,
        // Stores compare ISO strings: normalise so "2026-03-01" or "+02:00" offsets compare correctly.
        ...(req.from !== undefined ? { from: isoTime('from', req.from) } : {}),
        ...(req.to !== undefined ? { to: isoTime('to', req.to) } : {}),
      }),
    restoreSnapshot: (req) => host.restoreSnapshot(req.snapshotId),
    previewTimeTravel: (req) => previewTimeTravel(host.store, states, host.getRun(req.runId), req.seq),
    restoreToRecord: (req) => {
      const run = host.getRun(req.runId);
      const reason = host.notResumableReason(run);
      if (reason) throw new RunNotResumableError(`run ${run.run_id} cannot be restored: ${reason}`, { runId: run.run_id });
      return host.restoreSnapshot(snapshotAfter(host.store, states, run, req.seq, host.clock.now()).snapshot_id);
    },
    forkFromRecord: (req) => {
      const run = host.getRun(req.runId);
      const reason = host.notResumableReason(run);
      if (reason) throw new RunNotResumableError(`run ${run.run_id} cannot be forked here: ${reason}`, { runId: run.run_id });
      const snap = snapshotAfter(host.store, states, run, req.seq, host.clock.now());
      return host.forkSnapshot(snap.snapshot_id, req.vars);
    },
    forkSnapshot: (req) => host.forkSnapshot(req.snapshotId, req.vars),
    exportRun: (req) => {
      const state = host.getRun(req.runId);
      const bundle = createExportBundle(host.store, req.runId, { now: host.clock.now(), publicKey: host.verifyOptions().publicKey });
      return { fileName: `run-${safeFileName(state.workflow_id)}-${safeFileName(state.run_id)}.bundle.json`, bundle };
    },
    getArtifact: (req) => readArtifact(host.store, req.ref),
    verifyBundle: (req) => {
      const report = withTrust(withBundleState(verifyBundle(req.bundle), req.bundle), trustContext(host));
      return { ...report, runId: bundleStateString(req.bundle, 'run_id'), workflowId: bundleStateString(req.bundle, 'workflow_id') };
    },
    importBundle: (req) => {
      if (typeof req.bundle !== 'object' || req.bundle === null) throw new BundleInvalidError('bundle must be a JSON object');
      assertBundleState(req.bundle);
      const { runId } = importBundle(host.store, req.bundle, { now: host.clock.now() });
      host.publishRun(runId);
      return { runId };
    },
    openFolder: (req) => host.foreign.open(req.path, { watch: req.watch ?? false }),
    listFolders: () => host.foreign.list(),
    getSettings: () => requireSettings(host).view(),
    setSettings: (req) => requireSettings(host).update(req),
  };
}

/** Reads `bundle.state[key]` from an unvalidated bundle, when it is a string. */
function bundleStateString(bundle: unknown, key: 'run_id' | 'workflow_id'): string | null {
  const state: unknown = typeof bundle === 'object' && bundle !== null ? Reflect.get(bundle, 'state') : null;
  const value: unknown = typeof state === 'object' && state !== null ? Reflect.get(state, key) : null;
  return typeof value === 'string' ? value : null;
}

function isoTime(field: string, value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new ValidationError(`${field} must be an ISO date-time, got "${value}"`, { field });
  return new Date(ms).toISOString();
}

function requireSettings(host: RuntimeHost) {
  if (!host.settings) throw new ValidationError('this host has no settings store');
  return host.settings;
}

function safeFileName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
}

function trustContext(host: RuntimeHost) {
  return { ownPublicKey: ownPublicKey(host.dataDir), trusted: new TrustList(host.dataDir) };
}
