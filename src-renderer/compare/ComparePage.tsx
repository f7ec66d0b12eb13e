/**
 * Two runs, or two records of one run, side by side: the state diff (vars) and the paths
 * taken, aligned to where they part. Addressed as `#/compare?a=<run>[@seq]&b=<run>[@seq]`.
 */
import { useEffect, useState } from 'react';
import type { LedgerRecord } from '../../src-shared/types';
import { ErrorText } from '../shell/ErrorText';
import { runtimeClient } from '../state/clientRef';
import { recordHref, replaceHash, runHref } from '../state/hashRoute';
import { describeError } from '../state/toastStore';
import { DiffTable } from '../run/StatePanel';
import { diffJson } from '../run/jsonDiff';
import { shortId } from '../runs/runTree';
import { divergence, parseSide, pathOf, sideText, type PathStep, type Side } from './compareModel';

/** Records read per side for its path (one API page); a longer run's path is its first part. */
const PATH_WINDOW = 5000;

interface Loaded {
  side: Side;
  label: string;
  vars: unknown;
  path: PathStep[];
  partial: boolean;
}

async function loadSide(side: Side): Promise<Loaded> {
  const client = runtimeClient();
  const view = await client.call('getRun', { runId: side.runId });
  const head = view.state.ledger_head?.seq ?? -1;
  const upTo = side.seq ?? head;
  const state =
    side.seq === null
      ? { vars: view.state.vars as unknown, current_node: view.state.current_node as string | null }
      : await client.call('getStateAt', { runId: side.runId, seq: side.seq });
  const page = await client.call('getLedger', { runId: side.runId, afterSeq: -1, limit: Math.max(1, Math.min(PATH_WINDOW, upTo + 1)) });
  const records: LedgerRecord[] = page.records.filter((r) => r.seq <= upTo);
  return {
    side,
    label: `${view.workflow?.label ?? view.state.workflow_id} · ${shortId(side.runId)}${side.seq === null ? ' (now)' : ` at #${side.seq}`}`,
    vars: state.vars,
    path: pathOf(records, state.current_node),
    partial: upTo + 1 > PATH_WINDOW,
  };
}

export function ComparePage({ query }: { query: URLSearchParams }) {
  const aRaw = query.get('a');
  const bRaw = query.get('b');
  const [sides, setSides] = useState<[Loaded, Loaded] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [aText, setAText] = useState(aRaw ?? '');
  const [bText, setBText] = useState(bRaw ?? '');
  useEffect(() => {
    setSides(null);
    setError(null);
    setAText(aRaw ?? '');
    setBText(bRaw ?? '');
    const a = parseSide(aRaw);
    const b = parseSide(bRaw);
    if (!a || !b) return;
    let live = true;
    // When both sides fail, the first side's error is said: the page's order, not whichever
    // answer came back first.
    void Promise.allSettled([loadSide(a), loadSide(b)]).then(([x, y]) => {
      if (!live) return;
      if (x.status === 'rejected') setError(describeError(x.reason));
      else if (y.status === 'rejected') setError(describeError(y.reason));
      else setSides([x.value, y.value]);
    });
    return () => {
      live = false;
    };
  }, [aRaw, bRaw]);
  const ready = parseSide(aRaw) && parseSide(bRaw);

  return (
    <section className="page compare-page" aria-label="Compare">
      <header className="page-header">
        <h1>Compare</h1>
      </header>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          const q = new URLSearchParams();
          if (aText.trim()) q.set('a', aText.trim());
          if (bText.trim()) q.set('b', bText.trim());
          replaceHash(`#/compare?${q.toString()}`);
        }}
      >
        <label className="grow">
          Left (run id, or run id@seq)
          <input value={aText} onChange={(e) => setAText(e.target.value)} />
        </label>
        <label className="grow">
          Right (run id, or run id@seq)
          <input value={bText} onChange={(e) => setBText(e.target.value)} />
        </label>
        <button type="submit" className="primary">
          Compare
        </button>
      </form>
      {!ready ? (
        <p className="muted">
          Pick two runs (select two in the runs list), or one run at two records (<span className="mono">id@12</span>).
        </p>
      ) : null}
      {error ? <ErrorText text={error} /> : null}
      {ready && !sides && !error ? <p className="muted">Loading…</p> : null}
      {sides ? <Comparison left={sides[0]} right={sides[1]} /> : null}
    </section>
  );
}

function Comparison({ left, right }: { left: Loaded; right: Loaded }) {
  const diff = diffJson(left.vars, right.vars);
  const split = divergence(left.path, right.path);
  const same = split === left.path.length && split === right.path.length;
  return (
    <div className="compare-grid">
      <section className="panel" aria-label="State diff">
        <h2>
          State: {left.label} → {right.label}
        </h2>
        <DiffTable entries={diff} />
      </section>
      <section className="panel" aria-label="Path diff">
        <h2>{same ? 'Paths: the same' : `Paths part at step ${split + 1}`}</h2>
        <div className="path-cols">
          <PathList side={left} split={split} />
          <PathList side={right} split={split} />
        </div>
      </section>
    </div>
  );
}

function PathList({ side, split }: { side: Loaded; split: number }) {
  return (
    <div>
      <h3>
        <a href={side.side.seq === null ? runHref(side.side.runId) : recordHref(side.side.runId, side.side.seq)}>{side.label}</a>
      </h3>
      <ol className="path-list" aria-label={`Path of ${sideText(side.side)}`}>
        {side.path.map((s, i) => (
          <li key={i} className={i >= split ? 'path-differs' : undefined}>
            {s.node}
            {s.times > 1 ? ` ×${s.times}` : ''}
          </li>
        ))}
      </ol>
      {side.partial ? <p className="muted">(first {PATH_WINDOW.toLocaleString('en-US')} records)</p> : null}
    </div>
  );
}
