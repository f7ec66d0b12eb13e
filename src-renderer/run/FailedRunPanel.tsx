/**
 * A failed run says why, in words, and offers a retry: going back (a restore, with its
 * preview) to the last record before the failure whose state can be rebuilt, so the failed
 * step runs again — with fresh idempotency keys, as every restore does.
 */
import { useEffect, useState } from 'react';
import { canRebuildAfter } from '../../src-shared/timeTravel';
import { capitalise } from '../shell/ErrorText';
import { runtimeClient } from '../state/clientRef';
import { useRunViewStore } from '../state/runViewStore';
import { TimeTravelDialog } from './TimeTravelDialog';

/** Records read back from the end to find the retry point (a step is far shorter). */
const LOOK_BACK = 500;

export function FailedRunPanel() {
  const view = useRunViewStore((s) => s.view);
  const [retrySeq, setRetrySeq] = useState<number | null>(null);
  const [open, setOpen] = useState(false);
  const failed = view?.state.status === 'failed' ? view.state : null;
  const head = failed?.ledger_head?.seq ?? null;
  useEffect(() => {
    setRetrySeq(null);
    if (!failed || head === null) return;
    let live = true;
    void runtimeClient()
      .call('getLedger', { runId: failed.run_id, fromEnd: true, limit: LOOK_BACK })
      .then((page) => {
        const before = page.records.filter((r) => r.seq < head && canRebuildAfter(r));
        if (live) setRetrySeq(before.length ? before[before.length - 1]!.seq : null);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [failed?.run_id, head]);
  if (!failed || !view) return null;
  return (
    <section className="panel failed-panel" aria-label="Why the run failed">
      <h2>The run failed{failed.error?.node_id ? ` at “${failed.error.node_id}”` : ''}</h2>
      {failed.error ? <p title={`Error code ${failed.error.code}`}>{capitalise(failed.error.message)}</p> : null}
      {retrySeq !== null ? (
        <button type="button" className="primary" disabled={!view.resumable} onClick={() => setOpen(true)}>
          Retry the failed step…
        </button>
      ) : null}
      {open && retrySeq !== null ? (
        <TimeTravelDialog runId={failed.run_id} seq={retrySeq} action="restore" onClose={() => setOpen(false)} />
      ) : null}
    </section>
  );
}
