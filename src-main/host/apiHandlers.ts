/**
 * The API (src-shared/api.ts) implemented once over a RuntimeHost. Transports validate
 * requests with `requestSchemas` before calling these; the CLI calls them directly.
 */
import { FIND_LEDGER_MAX, type ApiHandlers, type AppInfo, type RunView } from '../../src-shared/api';
import { BundleInvalidError, RunNotResumableError, ValidationError } from '../../src-shared/errors';
import type { JsonObject } from '../../src-shared/json';
import { createExportBundle, importBundle, verifyBundle, verifyRunLedger } from '../ledger/index';
import type { RuntimeHost } from './RuntimeHost';
import { findInLedger, searchLedgers } from './ledgerFind';
import { StateAtIndex } from './stateAt';
import { previewTimeTravel, snapshotAfter } from './timeTravel';
import { toWorkflowInfo } from './workflowInfo';

export interface ApiHandlerOptions {
  transport?: AppInfo['transport'];
  version?: string;
}

export function runView(host: RuntimeHost, runId: string): RunView {
  const state = host.getRun(runId);
  const wf = host.workflowFor(state);
  const reason = host.notResumableReason(state);
  return {
    state,
    workflow: wf ? toWorkflowInfo(wf.definition, wf.source) : null,
    resumable: reason === null,
    notResumableReason: reason,
    stepMode: host.stepMode(runId),
    breakpoints: host.breakpoints(runId),
    children: host.listChildren(runId),
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
    }),
    listWorkflows: () => host.listWorkflows(),
    startRun: (req) =>
      host.startRun(req.workflowId, (req.vars ?? {}) as JsonObject, {
        ...(req.version ? { version: req.version } : {}),
        ...(req.stepMode !== undefined ? { stepMode: req.stepMode } : {}),
        ...(req.breakpoints ? { breakpoints: req.breakpoints } : {}),
      }),
    listRuns: (req) =>
      host.store.listRuns({
        ...req,
        ...(req.createdFrom !== undefined ? { createdFrom: isoTime('createdFrom', req.createdFrom) } : {}),
        ...(req.createdTo !== undefined ? { createdTo: isoTime('createdTo', req.createdTo) } : {}),
      }),
    getRun: (req) => runView(host, req.runId),
    getLedger: (req) => {
      host.getRun(req.runId);
      const limit = req.limit ?? 200;
      return host.store.readLedger(req.runId, {
        limit,
        ...(req.afterSeq !== undefined ? { afterSeq: req.afterSeq } : {}),
        ...(req.beforeSeq !== undefined ? { beforeSeq: req.beforeSeq } : {}),
        ...(req.fromEnd !== undefined ? { fromEnd: req.fromEnd } : {}),
      });
    },
    getStateAt: (req) => states.stateAt(host.getRun(req.runId), req.seq),
    verifyRun: (req) => {
      host.getRun(req.runId);
      return verifyRunLedger(host.store, req.runId, host.verifyOptions());
    },
    findLedger: (req) => {
      host.getRun(req.runId);
      const { runId, limit = FIND_LEDGER_MAX, ...filter } = req;
      const seqs = findInLedger(host.store, runId, filter, limit + 1);
      return { seqs: seqs.slice(0, limit), truncated: seqs.length > limit };
    },
    searchLedgers: (req) => ({ hits: searchLedgers(host.store, req.text, req.limit ?? 100) }),
    answer: (req) => host.answer(req.runId, req.text, req.waitKey),
    resume: (req) => host.resume(req.runId, req.waitKey, req.payload as never),
    decideToolCalls: (req) => host.decideToolCalls(req.runId, req.waitKey, req.decisions as never),
    emitEvent: (req) => host.emitEvent(req.name, (req.payload ?? null) as never),
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
      return host.forkSnapshot(snap.snapshot_id, req.vars as JsonObject | undefined);
    },
    forkSnapshot: (req) => host.forkSnapshot(req.snapshotId, req.vars as JsonObject | undefined),
    exportRun: (req) => {
      const state = host.getRun(req.runId);
      const bundle = createExportBundle(host.store, req.runId, { now: host.clock.now(), publicKey: host.verifyOptions().publicKey });
      return { fileName: `run-${safeFileName(state.workflow_id)}-${safeFileName(state.run_id)}.bundle.json`, bundle };
    },
    verifyBundle: (req) => {
      const report = verifyBundle(req.bundle);
      const b = req.bundle as { state?: { run_id?: unknown; workflow_id?: unknown } } | null;
      return {
        ...report,
        runId: typeof b?.state?.run_id === 'string' ? b.state.run_id : null,
        workflowId: typeof b?.state?.workflow_id === 'string' ? b.state.workflow_id : null,
      };
    },
    importBundle: (req) => {
      if (typeof req.bundle !== 'object' || req.bundle === null) throw new BundleInvalidError('bundle must be a JSON object');
      const { runId } = importBundle(host.store, req.bundle, { now: host.clock.now() });
      host.publishRun(runId);
      return { runId };
    },
    getSettings: () => requireSettings(host).view(),
    setSettings: (req) => requireSettings(host).update(req as never),
  };
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
