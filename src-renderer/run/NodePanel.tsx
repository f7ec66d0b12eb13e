/** The selected node: its breakpoint and the steps it produced (within the loaded ledger window). */
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { liveStepCounts, useLedgerStore } from '../state/ledgerStore';
import { useRunViewStore } from '../state/runViewStore';
import { recordTitle } from './recordInsight';

export function NodePanel() {
  const { view, selectedNode, selectNode, selectSeq, toggleBreakpoint } = useRunViewStore(
    useShallow((s) => ({
      view: s.view,
      selectedNode: s.selectedNode,
      selectNode: s.selectNode,
      selectSeq: s.selectSeq,
      toggleBreakpoint: s.toggleBreakpoint,
    })),
  );
  const records = useLedgerStore((s) => s.records);
  const superseded = useLedgerStore(useShallow((s) => ({ counts: s.supersededCounts, on: s.countSuperseded })));
  const steps = useMemo(() => {
    if (!selectedNode) return [];
    const out = [];
    for (const r of records.values()) if (r.node_id === selectedNode) out.push(r);
    return out.sort((a, b) => b.seq - a.seq).slice(0, 100);
  }, [records, selectedNode]);
  const nodes = view?.workflow?.nodes ?? [];
  if (!view) return null;
  const bp = selectedNode ? view.breakpoints.includes(selectedNode) : false;
  return (
    <section className="panel node-panel" aria-label="Node">
      <label>
        Node
        <select value={selectedNode ?? ''} onChange={(e) => selectNode(e.target.value || null)}>
          <option value="">(select a node)</option>
          {nodes.map((n) => (
            <option key={n.id} value={n.id}>
              {n.label} ({n.id})
            </option>
          ))}
        </select>
      </label>
      {selectedNode ? (
        <>
          <label className="checkbox">
            <input type="checkbox" checked={bp} disabled={!view.resumable} onChange={() => void toggleBreakpoint(selectedNode)} />
            Breakpoint before {selectedNode}
          </label>
          <p className="muted">
            {liveStepCounts(view.state, superseded.counts, superseded.on).visits[selectedNode] ?? 0} visits · {steps.length} step
            {steps.length === 1 ? '' : 's'} in the loaded ledger window
          </p>
          <ul className="node-steps">
            {steps.map((r) => (
              <li key={r.seq}>
                <button type="button" className="link" onClick={() => selectSeq(r.seq)}>
                  #{r.seq} {recordTitle(r)}
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
