/** The workflows a host knows (built-ins + project modules), and what a run needs from them. */
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
