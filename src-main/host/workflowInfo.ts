/** Workflow definitions as the inspector draws them (WorkflowInfo). */
import type { WorkflowInfo } from '../../src-shared/types';
import type { WorkflowDefinition } from '../runtime/contracts';
import { cloneJson } from '../runtime/cloneJson';

export function toWorkflowInfo(def: WorkflowDefinition, source: 'builtin' | 'module'): WorkflowInfo {
  return {
    id: def.id,
    version: def.version,
    label: def.label ?? def.id,
    description: def.description ?? '',
    entry: def.entry,
    nodes: Object.entries(def.nodes).map(([id, node]) => ({
      id,
      label: node.label ?? id,
      kind: node.kind ?? 'step',
      next: [...(node.next ?? [])],
    })),
    default_vars: cloneJson(def.defaultVars ?? {}),
    input_schema: def.inputSchema ? cloneJson(def.inputSchema) : null,
    source,
  };
}
