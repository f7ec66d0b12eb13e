/** Bookmarks of the run: create (name, tags), search, Restore in place, or Fork into a new run. */
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { SnapshotSummary } from '../../src-shared/types';
import { ConfirmDialog } from '../shell/ConfirmDialog';
import { parseVarsObject } from '../shell/jsonInput';
import { navigate, runHref } from '../state/hashRoute';
import { compareHref } from '../state/hashRoute';
import { useRunViewStore } from '../state/runViewStore';

type Pending = { action: 'restore' | 'fork'; snap: SnapshotSummary } | null;

export function SnapshotsPanel() {
  const { snapshots, view, busy } = useRunViewStore(useShallow((s) => ({ snapshots: s.snapshots, view: s.view, busy: s.busy })));
  const [query, setQuery] = useState('');
  const [pending, setPending] = useState<Pending>(null);
  if (!view) return null;
  return (
    <section className="panel snapshots" aria-label="Snapshots">
      <h2>Snapshots</h2>
      {/* A foreign run is not in this database: nothing can be written for it. */}
      <CreateSnapshotForm disabled={busy || !!view.foreign} />
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          void useRunViewStore.getState().searchSnapshots(query.trim() || undefined);
        }}
      >
        <input
          type="search"
          aria-label="Search snapshots"
          placeholder="Search name, tag…"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
      </form>
      {snapshots.length === 0 ? <p className="muted">No snapshots yet.</p> : null}
      <ul className="snapshot-list">
        {snapshots.map((s, i) => (
          <li key={s.snapshot_id} data-snapshot-id={s.snapshot_id}>
            <div>
              <strong>{s.name}</strong>{' '}
              <span className="muted">
                seq {s.ledger_seq} · {new Date(s.created_at).toLocaleString()}
              </span>
              {s.tags.length ? (
                <div className="tags">
                  {s.tags.map((t) => (
                    <span key={t} className="tag">
                      {t}
                    </span>
                  ))}
                </div>
              ) : null}
            </div>
            <div className="row">
              <button
                type="button"
                disabled={busy || !view.resumable}
                onClick={() => setPending({ action: 'restore', snap: s })}
                aria-label="Restore"
                title={`Restore ${s.name}`}
              >
                Restore
              </button>
              <button
                type="button"
                disabled={busy}
                onClick={() => setPending({ action: 'fork', snap: s })}
                aria-label="Fork"
                title={`Fork ${s.name}`}
              >
                Fork
              </button>
              {snapshots[i + 1] ? (
                <a
                  href={compareHref(`${snapshots[i + 1]!.run_id}@${snapshots[i + 1]!.ledger_seq}`, `${s.run_id}@${s.ledger_seq}`)}
                  title={`Compare ${s.name} with ${snapshots[i + 1]!.name}`}
                >
                  vs previous
                </a>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
      {pending ? (
        <SnapshotConfirm pending={pending} currentSeq={view.state.ledger_head?.seq ?? -1} onDone={() => setPending(null)} />
      ) : null}
    </section>
  );
}

function CreateSnapshotForm({ disabled }: { disabled: boolean }) {
  const [name, setName] = useState('');
  const [tags, setTags] = useState('');
  return (
    <form
      className="create-snapshot"
      onSubmit={(e) => {
        e.preventDefault();
        const tagList = tags
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean);
        void useRunViewStore
          .getState()
          .createSnapshot(name.trim(), tagList)
          .then((s) => s && (setName(''), setTags('')));
      }}
    >
      <label>
        Snapshot name
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
      </label>
      <label>
        Tags (comma separated)
        <input value={tags} onChange={(e) => setTags(e.target.value)} />
      </label>
      <button type="submit" disabled={disabled || !name.trim()}>
        Create snapshot
      </button>
    </form>
  );
}

function SnapshotConfirm({ pending, currentSeq, onDone }: { pending: NonNullable<Pending>; currentSeq: number; onDone(): void }) {
  const [varsText, setVarsText] = useState('');
  const parsed = parseVarsObject(varsText);
  const { snap, action } = pending;
  const confirm = async () => {
    if (action === 'restore') {
      await useRunViewStore.getState().restore(snap.snapshot_id);
      onDone();
      return;
    }
    if (!parsed.ok) return;
    const child = await useRunViewStore.getState().fork(snap.snapshot_id, varsText.trim() ? parsed.value : undefined);
    onDone();
    if (child) navigate(runHref(child.run_id));
  };
  return (
    <ConfirmDialog
      title={action === 'restore' ? `Restore “${snap.name}”?` : `Fork “${snap.name}”?`}
      confirmLabel={action === 'restore' ? 'Restore this run' : 'Fork into a new run'}
      onCancel={onDone}
      onConfirm={() => void confirm()}
    >
      {action === 'restore' ? (
        <p>
          This run goes back to its state at seq {snap.ledger_seq} (it is now at seq {currentSeq}). Nothing is deleted: the ledger appends a
          “restored” record, and the steps after seq {snap.ledger_seq} stay in the history.
        </p>
      ) : (
        <>
          <p>
            A new run starts from this snapshot’s state (seq {snap.ledger_seq}); this run is not changed. The new run’s ledger records where
            it was forked from.
          </p>
          <label>
            Vars to change in the fork (optional JSON object)
            <textarea
              rows={4}
              value={varsText}
              onChange={(e) => setVarsText(e.target.value)}
              aria-invalid={!parsed.ok}
              spellCheck={false}
            />
          </label>
          {!parsed.ok ? (
            <p className="inline-error" role="alert">
              {parsed.message}
            </p>
          ) : null}
        </>
      )}
    </ConfirmDialog>
  );
}
