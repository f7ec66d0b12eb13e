/**
 * What the graph shows, derived cheaply from the run state: the workflow's nodes laid out
 * once with dagre, each node's status and visit count, and the edges the run has taken.
 * It draws the workflow, never every visit, so a 100k-step loop costs the same as one step.
 */
import dagre from '@dagrejs/dagre';
import type { LedgerRecord, RunState, WorkflowInfo } from '../../src-shared/types';

/** `errored`: the node's effect completed with failed parts (a failed tool call) and the run went on. */
export type NodeStatus = 'idle' | 'visited' | 'current' | 'waiting' | 'completed' | 'failed' | 'errored';

export interface GraphNodeModel {
  id: string;
  label: string;
  kind: string;
  visits: number;
  status: NodeStatus;
  breakpoint: boolean;
  /** The node may run again right after itself (drawn as a badge, not an edge). */
  selfLoop: boolean;
  x: number;
  y: number;
}

export interface GraphEdgeModel {
  id: string;
  source: string;
  target: string;
  taken: boolean;
  /** Goes back up the layout (a loop): drawn round the right side, not through the nodes between. */
  loop: boolean;
  /** How far right of its ends a loop runs: clear of every node's right edge. */
  loopOffset: number;
}

export const NODE_WIDTH = 190;
export const NODE_HEIGHT = 64;

export function layoutWorkflow(wf: WorkflowInfo): Map<string, { x: number; y: number }> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 40, ranksep: 60 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of wf.nodes) g.setNode(n.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const n of wf.nodes) for (const t of n.next) if (t !== n.id && wf.nodes.some((m) => m.id === t)) g.setEdge(n.id, t);
  dagre.layout(g);
  const out = new Map<string, { x: number; y: number }>();
  for (const n of wf.nodes) {
    const p = g.node(n.id) as { x: number; y: number } | undefined;
    // dagre gives centres; React Flow wants top-left corners.
    out.set(n.id, { x: (p?.x ?? 0) - NODE_WIDTH / 2, y: (p?.y ?? 0) - NODE_HEIGHT / 2 });
  }
  return out;
}

export function nodeStatus(state: RunState, nodeId: string, errored: ReadonlySet<string> = NONE): NodeStatus {
  const visits = state.visits[nodeId] ?? 0;
  const here = state.current_node === nodeId;
  if (here && state.status === 'failed') return 'failed';
  if (state.error?.node_id === nodeId) return 'failed';
  if (errored.has(nodeId)) return 'errored';
  if (here && state.status === 'waiting') return 'waiting';
  if (here && state.status === 'completed') return 'completed';
  if (here && state.status === 'running') return 'current';
  return visits > 0 ? 'visited' : 'idle';
}

const NONE: ReadonlySet<string> = new Set();

/** Nodes with a record that completed with an error, among the records loaded. */
export function erroredNodes(records: Iterable<LedgerRecord>): Set<string> {
  const out = new Set<string>();
  for (const r of records) if (r.status === 'completed' && r.error && r.node_id) out.add(r.node_id);
  return out;
}

export function graphModel(
  wf: WorkflowInfo,
  state: RunState,
  breakpoints: readonly string[],
  positions: Map<string, { x: number; y: number }>,
  errored: ReadonlySet<string> = NONE,
): { nodes: GraphNodeModel[]; edges: GraphEdgeModel[] } {
  const visited = (id: string) => (state.visits[id] ?? 0) > 0 || state.current_node === id;
  const nodes = wf.nodes.map((n) => ({
    id: n.id,
    label: n.label || n.id,
    kind: n.kind,
    visits: state.visits[n.id] ?? 0,
    status: nodeStatus(state, n.id, errored),
    breakpoint: breakpoints.includes(n.id),
    selfLoop: n.next.includes(n.id),
    ...(positions.get(n.id) ?? { x: 0, y: 0 }),
  }));
  const rightmost = Math.max(0, ...wf.nodes.map((n) => (positions.get(n.id)?.x ?? 0) + NODE_WIDTH));
  const right = (id: string) => (positions.get(id)?.x ?? 0) + NODE_WIDTH;
  const edges = wf.nodes.flatMap((n) =>
    n.next
      .filter((t) => t !== n.id)
      .map((t) => ({
        id: `${n.id}->${t}`,
        source: n.id,
        target: t,
        taken: visited(n.id) && visited(t),
        loop: (positions.get(t)?.y ?? 0) < (positions.get(n.id)?.y ?? 0),
        loopOffset: rightmost - Math.max(right(n.id), right(t)) + 24,
      })),
  );
  return { nodes, edges };
}
