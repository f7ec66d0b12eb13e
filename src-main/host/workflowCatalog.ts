/** The workflows a host knows (built-ins + project modules), and what a run needs from them. */
import { readOnlyReason } from '../runtime/readOnlyRun';
import { WorkflowNotFoundError } from '../../src-shared/errors';
import type { RunState, WorkflowInfo } from '../../src-shared/types';
import type { WorkflowDefinition } from '../runtime/contracts';
import { compareVersions } from '../runtime/index';
import { toWorkflowInfo } from './workflowInfo';
import type { LoadedWorkflow } from './workflowLoader';

export class WorkflowCatalog {
  constructor(private readonly workflows: LoadedWorkflow[]) {}

  list(): WorkflowInfo[] {
    return this.workflows.map((w) => toWorkflowInfo(w.definition, w.source));
  }

  find(state: Pick<RunState, 'workflow_id' | 'workflow_version'>): LoadedWorkflow | null {
    return this.workflows.find((w) => w.definition.id === state.workflow_id && w.definition.version === state.workflow_version) ?? null;
  }

  versionsOf(workflowId: string): string[] {
    return this.workflows.filter((w) => w.definition.id === workflowId).map((w) => w.definition.version);
  }

  /** Why a run cannot be resumed here, or null when it can. */
  notResumableReason(state: RunState): string | null {
    const readOnly = readOnlyReason(state);
    if (readOnly) return readOnly;
    if (this.find(state)) return null;
    const known = this.versionsOf(state.workflow_id);
    const imported = state.origin?.kind === 'import' ? 'imported run (read-only): ' : '';
    return `${imported}workflow ${state.workflow_id}@${state.workflow_version} is not registered here (${
      known.length ? `known versions: ${known.join(', ')}` : 'no version of it is registered'
    })`;
  }

  /** The named version, or the latest when none is given. */
  require(workflowId: string, version?: string): WorkflowDefinition {
    const versions = this.versionsOf(workflowId);
    if (versions.length === 0) throw new WorkflowNotFoundError(`workflow ${workflowId} is not registered`, { workflowId });
    const chosen = version ?? [...versions].sort((a, b) => compareVersions(b, a))[0]!;
    const found = this.find({ workflow_id: workflowId, workflow_version: chosen });
    if (!found) {
      throw new WorkflowNotFoundError(`workflow ${workflowId}@${version} is not registered (known versions: ${versions.join(', ')})`, {
        workflowId,
        version,
      });
    }
    return found.definition;
  }
}
