/**
 * A banner for what the host found wrong on open: an unreadable anchor file, or runs whose
 * ledger no longer reaches their signed head. Checked once: the host computes these only when
 * it opens the database, so polling would show nothing new.
 */
import { useEffect, useState } from 'react';
import type { ApiResponses } from '../../src-shared/api';
import { runtimeClient } from '../state/clientRef';

type IntegrityProblem = NonNullable<ApiResponses['getInfo']['integrityProblems']>[number];

export function IntegrityBanner() {
  const [problems, setProblems] = useState<IntegrityProblem[]>([]);
  useEffect(() => {
    let live = true;
    runtimeClient()
      .call('getInfo', {})
      .then((info) => live && setProblems(info.integrityProblems ?? []))
      .catch(() => undefined); // a host that cannot answer is reported by the calls that fail
    return () => {
      live = false;
    };
  }, []);
  if (problems.length === 0) return null;
  return (
    <div className="banner-error" role="alert" aria-label="Integrity problems">
      <strong>INTEGRITY</strong> Checking this database against its anchor file (the signed heads kept outside it) found:
      <ul>
        {problems.map((p, i) => (
          <li key={`${p.runId}:${i}`}>
            {/* An empty run id is a problem with the anchor file itself, not with one run. */}
            {p.runId ? (
              <>
                run <a href={`#/runs/${encodeURIComponent(p.runId)}`}>{p.runId}</a>: {p.message}
              </>
            ) : (
              <>anchor file: {p.message}</>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
