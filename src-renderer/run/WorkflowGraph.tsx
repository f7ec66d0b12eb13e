/** The workflow drawn with React Flow: per-node status, visits, breakpoints, and the path taken. */
import { Background, Controls, Handle, MarkerType, Position, ReactFlow, type Edge, type Node, type NodeProps } from '@xyflow/react';
import { memo, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useRunViewStore } from '../state/runViewStore';
import { liveStepCounts, useLedgerStore } from '../state/ledgerStore';
import { erroredNodes, graphModel, layoutWorkflow, type GraphNodeModel } from './graphModel';

type WfNodeData = GraphNodeModel & { selected: boolean } & Record<string, unknown>;

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
            <span className="loop" title="Loops back to itself">
              {' '}
              ↻
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

const nodeTypes = { wf: WfNode };

export function WorkflowGraph() {
  const { view, selectedNode, selectNode } = useRunViewStore(
    useShallow((s) => ({ view: s.view, selectedNode: s.selectedNode, selectNode: s.selectNode })),
  );
  const workflow = view?.workflow ?? null;
  const positions = useMemo(() => (workflow ? layoutWorkflow(workflow) : new Map()), [workflow]);
  const records = useLedgerStore((s) => s.records);
  const errored = useMemo(() => erroredNodes(records.values()), [records]);
  const { supersededCounts, countSuperseded } = useLedgerStore(
    useShallow((s) => ({ supersededCounts: s.supersededCounts, countSuperseded: s.countSuperseded })),
  );
  const { nodes, edges } = useMemo(() => {
    if (!view || !workflow) return { nodes: [] as Node<WfNodeData>[], edges: [] as Edge[] };
    // After a restore the path and visits leave out the rolled-back branch (unless asked for).
    const { visits } = liveStepCounts(view.state, supersededCounts, countSuperseded);
    const m = graphModel(workflow, { ...view.state, visits }, view.breakpoints, positions, errored);
    return {
      nodes: m.nodes.map((n) => ({ id: n.id, type: 'wf', position: { x: n.x, y: n.y }, data: { ...n, selected: n.id === selectedNode } })),
      edges: m.edges.map((e) => ({
        id: e.id,
        source: e.source,
        target: e.target,
        animated: e.taken && view.state.status === 'running',
        className: `${e.taken ? 'edge-taken' : 'edge-idle'}${e.loop ? ' edge-loop' : ''}`,
        ...(e.loop ? { type: 'smoothstep', sourceHandle: 'loop-out', targetHandle: 'loop-in', pathOptions: { offset: e.loopOffset } } : {}),
        markerEnd: { type: MarkerType.ArrowClosed },
      })),
    };
  }, [view, workflow, positions, selectedNode, errored, supersededCounts, countSuperseded]);

  if (!workflow) return <div className="panel graph-empty">The workflow of this run is not registered here: no graph to draw.</div>;
  return (
    <>
      <SupersededCountToggle />
      <div className="graph" aria-label="Workflow graph">
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
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
      <GraphLegend />
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

function GraphLegend() {
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
      <li>×n visits</li>
    </ul>
  );
}
