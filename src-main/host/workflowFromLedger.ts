/**
 * A graph for a run whose workflow is not known here (a run followed from a Python store, or
 * imported without its workflow): its nodes are the nodes its ledger visited, in the order
 * first visited, and its edges the moves the ledger shows. It draws what happened, not what
 * could have.
 */
import type { LedgerRecord, WorkflowInfo } from '../../src-shared/types';

export function workflowFromLedger(workflowId: string, records: Iterable<LedgerRecord>): WorkflowInfo | null {
  const next = new Map<string, Set<string>>();
  let prev: string | null = null;
  for (const r of records) {
    const node = r.node_id;
    if (!node) continue;
    if (!next.has(node)) next.set(node, new Set());
    if (prev !== null && prev !== node) next.get(prev)!.add(node);
    prev = node;
  }
  const ids = [...next.keys()];
  if (ids.length === 0) return null;
  return {
    id: workflowId,
    version: '(from ledger)',
    label: workflowId,
    description: 'Drawn from the nodes this run visited: the workflow definition is not known here.',
    entry: ids[0]!,
    nodes: ids.map((id) => ({ id, label: id, kind: 'visited', next: [...next.get(id)!] })),
    default_vars: {},
    source: 'ledger',
  };
}
