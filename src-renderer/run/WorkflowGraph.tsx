/** The workflow drawn with React Flow: per-node status, visits, breakpoints, and the path taken. */
import {
  Background,
  BaseEdge,
  Controls,
  EdgeLabelRenderer,
  getBezierPath,
  getSmoothStepPath,
  Handle,
  MarkerType,
  Position,
  ReactFlow,
  type Edge,
  type EdgeProps,
  type Node,
  type NodeProps,
} from '@xyflow/react';
import { memo, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useRunViewStore } from '../state/runViewStore';
import { liveStepCounts, useLedgerStore } from '../state/ledgerStore';
import { erroredNodes, graphModel, layoutGraph, movesTaken, type GraphEdgeModel, type GraphNodeModel } from './graphModel';

type WfNodeData = GraphNodeModel & { selected: boolean } & Record<string, unknown>;
type WfEdgeData = GraphEdgeModel & Record<string, unknown>;

const WfNode = memo(function WfNode({ data }: NodeProps<Node<WfNodeData>>) {
  return (
    <div
      className={`wf-node status-${data.status}${data.selected ? ' selected' : ''}`}
      data-node-id={data.id}
      data-status={data.status}
      aria-label={`Node ${data.label}: ${data.status}, ${data.visits} visits${data.breakpoint ? ', breakpoint' : ''}`}
    >
      <Handle type="target" position={Position.Top} />
      <div className="wf-node-label">
        {data.breakpoint ? <span className="bp-dot" title="Breakpoint" /> : null}
        {data.label}
      </div>
      <div className="wf-node-meta">
        <span>
          {data.kind}
          {data.selfLoop ? (
            <span
              className="loop"
              title={`Loops back to itself${data.selfLoopLabel ? `: ${data.selfLoopLabel.label}${data.selfLoopLabel.condition ? ` (when ${data.selfLoopLabel.condition})` : ''}` : ''}`}
            >
              {' '}
              ↻{data.selfLoopLabel ? ` ${data.selfLoopLabel.label}` : ''}
            </span>
          ) : null}
        </span>
        <span className="visits" title="Visits">
          ×{data.visits}
        </span>
      </div>
      <Handle type="source" position={Position.Bottom} />
      {/* Loops leave and re-enter on the right, so they run beside the column, not through it. */}
      <Handle type="source" id="loop-out" position={Position.Right} className="loop-handle" />
      <Handle type="target" id="loop-in" position={Position.Right} className="loop-handle" />
    </div>
  );
});

/**
 * A forward edge follows the route the layout found (so neither it nor its label crosses a
 * node); a loop runs round the right side. A label is HTML over the graph: readable at any
 * zoom, with the condition on hover, and marked when its branch was taken.
 */
const WfEdge = memo(function WfEdge(props: EdgeProps<Edge<WfEdgeData>>) {
  const { sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, markerEnd, style } = props;
  let path: string;
  let labelX: number;
  let labelY: number;
  if (data?.loop) {
    [path, labelX, labelY] = getSmoothStepPath({
      sourceX,
      sourceY,
      targetX,
      targetY,
      sourcePosition,
      targetPosition,
      offset: data.loopOffset,
    });
  } else if (data?.route) {
    path = throughPoints([{ x: sourceX, y: sourceY }, ...data.route.bends, { x: targetX, y: targetY }]);
    const mid = data.route.labelAt ?? { x: (sourceX + targetX) / 2, y: (sourceY + targetY) / 2 };
    labelX = mid.x;
    labelY = mid.y;
  } else {
    [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  }
  return (
    <>
      <BaseEdge id={props.id} path={path} markerEnd={markerEnd} style={style} />
      {data?.label ? (
        <EdgeLabelRenderer>
          <div
            className={`edge-label nodrag nopan${data.taken ? ' taken' : ''}`}
            data-edge={props.id}
            data-taken={data.taken}
            title={`${data.label}${data.condition ? `: when ${data.condition}` : ''}${data.taken ? ' · taken' : ' · not taken'}`}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          >
            {data.taken ? '✓ ' : ''}
            {data.label}
          </div>
        </EdgeLabelRenderer>
      ) : null}
    </>
  );
});

/** A smooth curve through every point (Catmull-Rom as cubic Béziers). */
function throughPoints(p: { x: number; y: number }[]): string {
  let d = `M ${p[0]!.x},${p[0]!.y}`;
  for (let i = 0; i < p.length - 1; i++) {
    const a = p[Math.max(0, i - 1)]!;
    const b = p[i]!;
    const c = p[i + 1]!;
    const e = p[Math.min(p.length - 1, i + 2)]!;
    d += ` C ${b.x + (c.x - a.x) / 6},${b.y + (c.y - a.y) / 6} ${c.x - (e.x - b.x) / 6},${c.y - (e.y - b.y) / 6} ${c.x},${c.y}`;
  }
  return d;
}

const nodeTypes = { wf: WfNode };
const edgeTypes = { wf: WfEdge };

export function WorkflowGraph() {
  const { view, selectedNode, selectNode } = useRunViewStore(
    useShallow((s) => ({ view: s.view, selectedNode: s.selectedNode, selectNode: s.selectNode })),
  );
  const workflow = view?.workflow ?? null;
  const layout = useMemo(() => (workflow ? layoutGraph(workflow) : { positions: new Map(), routes: new Map() }), [workflow]);
  const records = useLedgerStore((s) => s.records);
  const errored = useMemo(() => erroredNodes(records.values()), [records]);
  const { supersededCounts, countSuperseded, total, superseded } = useLedgerStore(
    useShallow((s) => ({
      supersededCounts: s.supersededCounts,
      countSuperseded: s.countSuperseded,
      total: s.total,
      superseded: s.superseded,
    })),
  );
  // The exact branches taken, while the whole ledger is loaded (short runs); else "both ends visited".
  const currentNode = view?.state.current_node ?? null;
  const moves = useMemo(
    () => movesTaken(records, total, countSuperseded ? [] : superseded, currentNode),
    [records, total, superseded, countSuperseded, currentNode],
  );
  const { nodes, edges } = useMemo(() => {
    if (!view || !workflow) return { nodes: [] as Node<WfNodeData>[], edges: [] as Edge<WfEdgeData>[] };
    // After a restore the path and visits leave out the rolled-back branch (unless asked for).
    const { visits } = liveStepCounts(view.state, supersededCounts, countSuperseded);
    const m = graphModel(workflow, { ...view.state, visits }, view.breakpoints, layout.positions, errored, {
      routes: layout.routes,
      moves,
    });
    return {
      nodes: m.nodes.map((n) => ({ id: n.id, type: 'wf', position: { x: n.x, y: n.y }, data: { ...n, selected: n.id === selectedNode } })),
      edges: m.edges.map((e) => ({
        id: e.id,
        source: e.source,
        target: e.target,
        type: 'wf',
        data: e as WfEdgeData,
        animated: e.taken && view.state.status === 'running',
        className: `${e.taken ? 'edge-taken' : 'edge-idle'}${e.loop ? ' edge-loop' : ''}`,
        ...(e.loop ? { sourceHandle: 'loop-out', targetHandle: 'loop-in' } : {}),
        markerEnd: { type: MarkerType.ArrowClosed },
      })),
    };
  }, [view, workflow, layout, selectedNode, errored, supersededCounts, countSuperseded, moves]);

  if (!workflow) return <div className="panel graph-empty">The workflow of this run is not registered here: no graph to draw.</div>;
  return (
    <>
      <SupersededCountToggle />
      <div className="graph" aria-label="Workflow graph">
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          fitView
          fitViewOptions={{ padding: 0.15, maxZoom: 1 }}
          nodesDraggable={false}
          nodesConnectable={false}
          onNodeClick={(_, n) => selectNode(n.id)}
          minZoom={0.2}
          colorMode="system"
        >
          <Background />
          <Controls showInteractive={false} position="top-right" />
        </ReactFlow>
      </div>
      <GraphLegend labels={workflow.nodes.some((n) => (n.edge_labels?.length ?? 0) > 0)} />
    </>
  );
}

/** Shown once a restore left records behind: the graph and step count leave them out unless asked. */
function SupersededCountToggle() {
  const { counts, on, set } = useLedgerStore(
    useShallow((s) => ({ counts: s.supersededCounts, on: s.countSuperseded, set: s.setCountSuperseded })),
  );
  if (!counts) return null;
  return (
    <label className="checkbox graph-superseded-toggle">
      <input type="checkbox" checked={on} onChange={(e) => set(e.target.checked)} />
      Count superseded steps ({counts.steps.toLocaleString('en-US')} rolled back by restores)
    </label>
  );
}

function GraphLegend({ labels }: { labels: boolean }) {
  const items: [string, string][] = [
    ['status-current', 'current'],
    ['status-waiting', 'waiting'],
    ['status-completed', 'ended here'],
    ['status-failed', 'failed'],
    ['status-visited', 'visited'],
    ['status-idle', 'not reached'],
    ['edge-taken', 'path taken'],
  ];
  return (
    <ul className="graph-legend" aria-label="Graph legend" style={{ listStyle: 'none', padding: 0 }}>
      {items.map(([cls, label]) => (
        <li key={cls}>
          <span className={`swatch ${cls}`} />
          {label}
        </li>
      ))}
      <li>
        <span className="bp-dot" style={{ display: 'inline-block', marginRight: 4 }} />
        breakpoint
      </li>
      {labels ? (
        <>
          <li>
            <span className="edge-label taken legend-edge-label">✓ label</span> branch taken
          </li>
          <li>
            <span className="edge-label legend-edge-label">label</span> branch not taken (hover a label: when it is taken)
          </li>
        </>
      ) : null}
      <li>×n visits</li>
    </ul>
  );
}
