/** Workflow definitions as the inspector draws them (WorkflowInfo). */
import type { WorkflowEdgeLabel, WorkflowInfo } from '../../src-shared/types';
import type { NodeDefinition, WorkflowDefinition } from '../runtime/contracts';
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
      ...edgeLabels(node),
    })),
    default_vars: cloneJson(def.defaultVars ?? {}),
    input_schema: def.inputSchema ? cloneJson(def.inputSchema) : null,
    source,
  };
}

/** The labels in `next` order; defineWorkflow has already turned each into {label, when?}. */
function edgeLabels(node: NodeDefinition): { edge_labels?: WorkflowEdgeLabel[] } {
  const labels = node.edgeLabels;
  if (!labels) return {};
  const out = (node.next ?? []).flatMap((target) => {
    const l = Object.hasOwn(labels, target) ? labels[target] : undefined;
    if (l === undefined) return [];
    return typeof l === 'string' ? [{ target, label: l, condition: null }] : [{ target, label: l.label, condition: l.when ?? null }];
  });
  return out.length ? { edge_labels: out } : {};
}
