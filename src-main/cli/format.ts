/** Human-readable renderings of runs, ledgers, snapshots and verification reports. */
import type { RunView } from '../../src-shared/api';
import type { LedgerRecord, RunState, RunSummary, SnapshotSummary, VerifyReport, WorkflowInfo } from '../../src-shared/types';
import { table } from './output';
import { stringifyExact } from '../../src-shared/exactJson';

const short = (hash: string | null | undefined) => (hash ? hash.slice(0, 12) : '-');
const compact = (value: unknown, max = 200) => {
  const text = stringifyExact(value);
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
};

export function formatRun(run: RunState): string[] {
  const lines = [
    `run       ${run.run_id}`,
    `workflow  ${run.workflow_id}@${run.workflow_version}`,
    `status    ${run.status}${run.paused ? ' (paused)' : ''}  node ${run.current_node}  steps ${run.step_count}`,
  ];
  const w = run.waiting;
  if (run.status === 'waiting' && w) {
    lines.push(
      `waiting   ${w.reason}${w.event_name ? ` for event "${w.event_name}"` : ''}${w.until ? ` until ${w.until}` : ''}${w.child_run_id ? ` for child ${w.child_run_id}` : ''}`,
    );
    if (w.prompt) lines.push(`prompt    ${w.prompt}${w.choices?.length ? `  [${w.choices.join(' / ')}]` : ''}`);
    if (w.tool_calls?.length) lines.push(`tools     ${w.tool_calls.map((c) => `${c.name}(${c.call_id})`).join(', ')}`);
    lines.push(`wait key  ${w.wait_key}`);
  }
  if (run.output !== null && run.status === 'completed') lines.push(`output    ${compact(run.output)}`);
  if (run.error) lines.push(`error     ${run.error.code}: ${run.error.message}`);
  if (run.origin)
    lines.push(
      `origin    ${run.origin.kind === 'fork' ? `fork of ${run.origin.run_id} at seq ${run.origin.seq}` : `imported (${run.origin.source}${run.origin.hash_chain === false ? ', no hash chain' : ''})`}`,
    );
  if (run.session_id) lines.push(`session   ${run.session_id}`);
  return lines;
}

export function formatRunView(view: RunView): string[] {
  const lines = formatRun(view.state);
  lines.push(`vars      ${compact(view.state.vars, 400)}`);
  if (!view.resumable) lines.push(`read-only ${view.notResumableReason ?? ''}`);
  if (view.stepMode) lines.push('step mode on');
  if (view.breakpoints.length) lines.push(`breakpoints ${view.breakpoints.join(', ')}`);
  if (view.stalled) lines.push(`stalled   since ${view.stalled.since}: ${view.stalled.reason}`);
  for (const child of view.children)
    lines.push(`child     ${child.run_id}  ${child.workflow_id}  ${child.status}${child.stalled ? ' (stalled)' : ''}`);
  return lines;
}

export function formatRuns(runs: RunSummary[], total: number): string[] {
  if (runs.length === 0) return ['no runs'];
  const rows = runs.map((r) => [
    r.run_id,
    r.workflow_id,
    r.status + (r.paused ? ' (paused)' : '') + (r.stalled ? ' (stalled)' : ''),
    r.current_node,
    String(r.step_count),
    r.updated_at,
    r.wait_prompt ?? '',
  ]);
  const lines = table(['RUN', 'WORKFLOW', 'STATUS', 'NODE', 'STEPS', 'UPDATED', 'WAITING FOR'], rows);
  if (total > runs.length) lines.push(`(${runs.length} of ${total} runs shown)`);
  const stalled = runs.filter((r) => r.stalled);
  if (stalled.length)
    lines.push(`stalled: ${stalled.length} run(s) nothing is advancing, e.g. ${stalled[0]!.run_id}: ${stalled[0]!.stalled}`);
  return lines;
}

export function formatWorkflows(workflows: WorkflowInfo[]): string[] {
  return table(
    ['WORKFLOW', 'VERSION', 'LABEL'],
    workflows.map((w) => [w.id, w.version, w.label]),
  );
}

export function formatLedger(records: LedgerRecord[]): string[] {
  const rows = records.map((r) => [
    String(r.seq),
    r.kind,
    r.status,
    r.node_id ?? '-',
    r.effect?.type ?? '-',
    r.actor ? `${r.actor.kind}:${r.actor.id}` : (r.actor_id ?? '-'),
    short(r.record_hash),
  ]);
  return table(['SEQ', 'KIND', 'STATUS', 'NODE', 'EFFECT', 'ACTOR', 'HASH'], rows);
}

export function formatSnapshots(snapshots: SnapshotSummary[]): string[] {
  if (snapshots.length === 0) return ['no snapshots'];
  const rows = snapshots.map((s) => [s.snapshot_id, s.run_id, s.name, s.tags.join(','), String(s.ledger_seq), s.created_at]);
  return table(['SNAPSHOT', 'RUN', 'NAME', 'TAGS', 'SEQ', 'CREATED'], rows);
}

export function formatVerify(report: VerifyReport, subject: string): string[] {
  const head = report.valid
    ? `valid: ${subject}: ${report.records} records, hash chain intact`
    : report.reason === 'unchained'
      ? `UNCHECKED: ${subject}: no hash chain: integrity cannot be checked`
      : `INVALID: ${subject}: ${report.reason ?? 'invalid'}${report.firstBadSeq !== null ? ` at seq ${report.firstBadSeq}` : ''}`;
  const lines = report.valid ? [head] : [head, report.message];
  if (report.trustMessage) lines.push(report.trustMessage);
  else if (report.signed) lines.push(`signed by key ${report.signed.keyId} up to seq ${report.signed.signedSeq}`);
  return lines;
}
