/** The open Python store folders on the runs page: their runs (read-only) and the ones that cannot be shown. */
import { useEffect } from 'react';
import { StatusPill } from '../shell/StatusPill';
import { runHref } from '../state/hashRoute';
import { useForeignFoldersStore } from './foreignFoldersStore';

export function ForeignFolders() {
  const folders = useForeignFoldersStore((s) => s.folders);
  useEffect(() => {
    void useForeignFoldersStore.getState().load();
  }, []);
  if (folders.length === 0) return null;
  return (
    <>
      {folders.map((f) => (
        <section key={f.path} className="panel foreign-folder" aria-label={`Python store ${f.path}`}>
          <h2>
            Python store <code>{f.path}</code> <span className="badge badge-foreign">foreign · read-only{f.watching ? ' · live' : ''}</span>
          </h2>
          {f.runs.length === 0 ? <p className="empty">No runs in this folder.</p> : null}
          <ul className="foreign-runs">
            {f.runs.map((r) => (
              <li key={r.run_id}>
                <StatusPill status={r.status} paused={false} /> <a href={runHref(r.run_id)}>{r.run_id.slice(0, 12)}</a> {r.workflow_id} ·
                node {r.current_node} · {r.ledger_seq + 1} records
              </li>
            ))}
          </ul>
          {f.skipped.map((s) => (
            <p key={s.runId} className="inline-error">
              cannot show run {s.runId}: {s.code}: {s.message}
            </p>
          ))}
        </section>
      ))}
    </>
  );
}
