/**
 * What the graph shows, derived cheaply from the run state: the workflow's nodes laid out
 * once with dagre, each node's status and visit count, and the edges the run has taken.
 * It draws the workflow, never every visit, so a 100k-step loop costs the same as one step.
 */
import dagre from '@dagrejs/dagre';
import type { LedgerRecord, RunState, WorkflowEdgeLabel, WorkflowInfo } from '../../src-shared/types';

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
  /** The workflow's label on that self-loop, if any ("again"), and its condition. */
  selfLoopLabel: WorkflowEdgeLabel | null;
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
  /** The workflow's words on this edge (null: it declares none). */
  label: string | null;
  /** When the edge is taken, in words (null: not said). */
  condition: string | null;
  /** The layout's route for a forward edge, so it and its label stay clear of the nodes (null: a loop, or no route). */
  route: EdgeRoute | null;
}

export interface EdgeRoute {
  /** Bends between the two ends, in graph coordinates. */
  bends: { x: number; y: number }[];
  /** Where the label sits: in the space the layout kept free for it. */
  labelAt: { x: number; y: number } | null;
}

export interface GraphLayout {
  positions: Map<string, { x: number; y: number }>;
  routes: Map<string, EdgeRoute>;
}

export const NODE_WIDTH = 190;
export const NODE_HEIGHT = 64;

/** Label boxes as the layout reserves them: 11px text, a few px of padding. */
const LABEL_CHAR_WIDTH = 7;
const LABEL_HEIGHT = 20;

export function layoutWorkflow(wf: WorkflowInfo): Map<string, { x: number; y: number }> {
  return layoutGraph(wf).positions;
}

/** Node corners and, for each edge, the route dagre found, with room kept for its label. */
export function layoutGraph(wf: WorkflowInfo): GraphLayout {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 40, ranksep: 60, edgesep: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of wf.nodes) g.setNode(n.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const n of wf.nodes)
    for (const t of n.next) {
      if (t === n.id || !wf.nodes.some((m) => m.id === t)) continue;
      const label = edgeLabelOf(n, t);
      g.setEdge(n.id, t, label ? { width: label.label.length * LABEL_CHAR_WIDTH + 16, height: LABEL_HEIGHT, labelpos: 'c' } : {});
    }
  dagre.layout(g);
  const positions = new Map<string, { x: number; y: number }>();
  for (const n of wf.nodes) {
    const p = g.node(n.id) as { x: number; y: number } | undefined;
    // dagre gives centres; React Flow wants top-left corners.
    positions.set(n.id, { x: (p?.x ?? 0) - NODE_WIDTH / 2, y: (p?.y ?? 0) - NODE_HEIGHT / 2 });
  }
  const routes = new Map<string, EdgeRoute>();
  for (const e of g.edges()) {
    const d = g.edge(e) as { points?: { x: number; y: number }[]; x?: number; y?: number; width?: number } | undefined;
    const points = d?.points ?? [];
    routes.set(`${e.v}->${e.w}`, {
      // The ends are the nodes' handles (React Flow's); dagre's own ends sit anywhere on the border.
      bends: points.slice(1, -1).map(({ x, y }) => ({ x, y })),
      labelAt: d?.width && d.x !== undefined && d.y !== undefined ? { x: d.x, y: d.y } : null,
    });
  }
  return { positions, routes };
}

export function edgeLabelOf(node: WorkflowInfo['nodes'][number], target: string): WorkflowEdgeLabel | null {
  return node.edge_labels?.find((l) => l.target === target) ?? null;
}

/**
 * The moves the run made (`a->b`), read from its records in order, when the records cover the
 * whole ledger (seqs 0..total-1); null otherwise, and the graph falls back to "both ends
 * visited". Superseded records are skipped unless counted: a restore's rolled-back branch is
 * not the run's path.
 */
export function movesTaken(
  records: ReadonlyMap<number, LedgerRecord>,
  total: number,
  superseded: readonly [number, number][] = [],
  /** The run's node now: a transition's record is at its source, so the last move shows only here. */
  currentNode: string | null = null,
): Set<string> | null {
  if (total === 0 || records.size < total) return null;
  const moves = new Set<string>();
  let prev: string | null = null;
  for (let seq = 0; seq < total; seq++) {
    const r = records.get(seq);
    if (!r) return null;
    if (superseded.some(([from, at]) => seq > from && seq < at)) continue;
    const node = r.node_id;
    if (!node) continue;
    if (prev !== null && prev !== node) moves.add(`${prev}->${node}`);
    prev = node;
  }
  if (prev !== null && currentNode !== null && currentNode !== prev) moves.add(`${prev}->${currentNode}`);
  return moves;
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
  opts: { routes?: ReadonlyMap<string, EdgeRoute>; moves?: ReadonlySet<string> | null } = {},
): { nodes: GraphNodeModel[]; edges: GraphEdgeModel[] } {
  const moves = opts.moves ?? null;
  const visited = (id: string) => (state.visits[id] ?? 0) > 0 || state.current_node === id;
  const nodes = wf.nodes.map((n) => ({
    id: n.id,
    label: n.label || n.id,
    kind: n.kind,
    visits: state.visits[n.id] ?? 0,
    status: nodeStatus(state, n.id, errored),
    breakpoint: breakpoints.includes(n.id),
    selfLoop: n.next.includes(n.id),
    selfLoopLabel: edgeLabelOf(n, n.id),
    ...(positions.get(n.id) ?? { x: 0, y: 0 }),
  }));
  const rightmost = Math.max(0, ...wf.nodes.map((n) => (positions.get(n.id)?.x ?? 0) + NODE_WIDTH));
  const right = (id: string) => (positions.get(id)?.x ?? 0) + NODE_WIDTH;
  const edges = wf.nodes.flatMap((n) =>
    n.next
      .filter((t) => t !== n.id)
      .map((t) => {
        const id = `${n.id}->${t}`;
        const label = edgeLabelOf(n, t);
        const loop = (positions.get(t)?.y ?? 0) < (positions.get(n.id)?.y ?? 0);
        return {
          id,
          source: n.id,
          target: t,
          // Where the ledger shows the moves, the branch taken is exact; else both ends visited.
          taken: moves ? moves.has(id) : visited(n.id) && visited(t),
          loop,
          loopOffset: rightmost - Math.max(right(n.id), right(t)) + 24,
          label: label?.label ?? null,
          condition: label?.condition ?? null,
          route: loop ? null : (opts.routes?.get(id) ?? null),
        };
      }),
  );
  return { nodes, edges };
}
