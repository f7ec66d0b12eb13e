/**
 * Whether a run can be continued by this kernel, decided once: the host, the API's run view
 * and the kernel's own operations all ask here.
 */
import type { RunState } from '../../src-shared/types';
import type { WorkflowRegistry } from './contracts';
import { readOnlyReason } from './readOnlyRun';

/** Why the run cannot be continued with these workflows, or null when it can. */
export function notResumableReason(state: RunState, workflows: WorkflowRegistry): string | null {
  const readOnly = readOnlyReason(state);
  if (readOnly) return readOnly;
  if (workflows.get(state.workflow_id, state.workflow_version)) return null;
  const known = workflows
    .list()
    .filter((w) => w.id === state.workflow_id)
    .map((w) => w.version);
  const imported = state.origin?.kind === 'import' ? 'imported run (read-only): ' : '';
  return `${imported}workflow ${state.workflow_id}@${state.workflow_version} is not registered here (${
    known.length ? `known versions: ${known.join(', ')}` : 'no version of it is registered'
  })`;
}
