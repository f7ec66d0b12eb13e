/**
 * How runs and snapshots map to SQL: the indexed columns of a run row, and the WHERE
 * clauses of the list and search filters (parameters kept apart, statements cached by shape).
 */
import type { RunFilter, SnapshotQuery } from '../../runtime/contracts';
import { asciiLower } from '../../../src-shared/textSearch';

// Their home is store/runColumns.ts now (the PostgreSQL store maps runs the same way).
export { runColumns } from '../runColumns';

export function runWhere(f: RunFilter): { where: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (f.status !== undefined) {
    const list = [f.status].flat();
    parts.push(`status IN (${list.map(() => '?').join(',') || 'NULL'})`);
    params.push(...list);
  }
  if (f.workflowId) {
    parts.push('workflow_id = ?');
    params.push(f.workflowId);
  }
  if (f.parentRunId !== undefined) {
    parts.push('parent_run_id = ?');
    params.push(f.parentRunId);
  }
  if (f.createdFrom) {
    parts.push('created_at >= ?');
    params.push(f.createdFrom);
  }
  if (f.createdTo) {
    parts.push('created_at < ?');
    params.push(f.createdTo);
  }
  if (f.search) {
    parts.push('(instr(lower(run_id), ?) > 0 OR instr(lower(workflow_id), ?) > 0 OR instr(lower(current_node), ?) > 0)');
    // lower() folds A–Z only: the text is folded the same way, so a name is found as it is spelled.
    const text = asciiLower(f.search);
    params.push(text, text, text);
  }
  return { where: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

export function snapshotWhere(q: SnapshotQuery): { where: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (q.runId) {
    parts.push('run_id = ?');
    params.push(q.runId);
  }
  if (q.from) {
    parts.push('created_at >= ?');
    params.push(q.from);
  }
  if (q.to) {
    parts.push('created_at <= ?');
    params.push(q.to);
  }
  if (q.after) {
    parts.push('(created_at, snapshot_id) < (?, ?)');
    params.push(q.after.created_at, q.after.snapshot_id);
  }
  if (q.text) {
    const text = asciiLower(q.text);
    parts.push(
      "(instr(lower(name), ?) > 0 OR instr(lower(coalesce(description, '')), ?) > 0 OR EXISTS (SELECT 1 FROM json_each(tags) WHERE instr(lower(json_each.value), ?) > 0))",
    );
    params.push(text, text, text);
  }
  return { where: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}
