/** The built-in example workflows (ids are fixed: docs, tests and the CLI name them). */
import type { WorkflowDefinition } from '../runtime/contracts';
import { agentWorkflow } from './agent';
import { approvalWorkflow } from './approval';
import { counterWorkflow } from './counter';
import { eventWorkflow } from './event';
import { parentWorkflow } from './parent';
import { sideEffectWorkflow } from './sideeffect';
import { timerWorkflow } from './timer';
import { toolApprovalWorkflow } from './toolApproval';

export { approvalWorkflow, counterWorkflow, eventWorkflow, parentWorkflow, sideEffectWorkflow, timerWorkflow, toolApprovalWorkflow };
export { registerExampleTools } from './exampleTools';

export function builtinWorkflows(): WorkflowDefinition[] {
  return [
    approvalWorkflow,
    timerWorkflow,
    eventWorkflow,
    counterWorkflow,
    sideEffectWorkflow,
    agentWorkflow,
    parentWorkflow,
    toolApprovalWorkflow,
  ];
}
