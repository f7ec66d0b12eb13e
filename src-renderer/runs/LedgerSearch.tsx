/** Search inside every run's ledger (the host's full-text index); each hit links to its record. */
import { useState } from 'react';
import type { LedgerSearchHit } from '../../src-shared/ledgerFilter';
import { ErrorText } from '../shell/ErrorText';
import { count } from '../shell/plural';
import { runtimeClient } from '../state/clientRef';
import { recordHref } from '../state/hashRoute';
import { describeError } from '../state/toastStore';
import { shortId } from './runTree';

export function LedgerSearch() {
  const [text, setText] = useState('');
  const [hits, setHits] = useState<LedgerSearchHit[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const search = async () => {
    if (!text.trim()) return;
    setBusy(true);
    try {
      setHits((await runtimeClient().call('searchLedgers', { text: text.trim(), limit: 100 })).hits);
      setError(null);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel ledger-search" aria-label="Search all ledgers">
      <h2>Search inside every run</h2>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void search();
        }}
      >
        <input
          type="search"
          className="grow"
          aria-label="Words to find in any ledger"
          placeholder="words in prompts, tool results, payloads, errors…"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" disabled={busy || !text.trim()}>
          Search
        </button>
      </form>
      {error ? <ErrorText text={error} /> : null}
      {hits ? (
        hits.length === 0 ? (
          <p className="muted">No record contains every one of these words.</p>
        ) : (
          <>
            <p className="muted">
              {count(hits.length, 'matching record')}
              {hits.length >= 100 ? ' (first 100)' : ''}
            </p>
            <table className="runs-table hits" aria-label="Matching records">
              <thead>
                <tr>
                  <th>Run</th>
                  <th>Workflow</th>
                  <th>Record</th>
                  <th>Match</th>
                </tr>
              </thead>
              <tbody>
                {hits.map((h) => (
                  <tr key={`${h.runId}:${h.seq}`}>
                    <td className="mono" title={h.runId}>
                      {shortId(h.runId)}
                    </td>
                    <td>{h.workflowId ?? '—'}</td>
                    <td>
                      <a href={recordHref(h.runId, h.seq)}>
                        #{h.seq} {h.kind}
                        {h.nodeId ? ` · ${h.nodeId}` : ''}
                      </a>
                    </td>
                    <td className="snippet">
                      <Snippet text={h.snippet} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )
      ) : null}
    </section>
  );
}

/** The host marks matched words with [brackets]; they show highlighted. */
function Snippet({ text }: { text: string }) {
  const parts = text.split(/(\[[^\]]*\])/g);
  return (
    <>{parts.map((p, i) => (p.startsWith('[') && p.endsWith(']') ? <mark key={i}>{p.slice(1, -1)}</mark> : <span key={i}>{p}</span>))}</>
  );
}
