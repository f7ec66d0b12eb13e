/**
 * The ledger stream: a virtual list as long as the ledger (`total`) — or as the records
 * passing the filters (`matches`) — whose visible rows ask the ledger store for their pages.
 * Scrolled to the bottom it follows live records; any other position stays put. The
 * selected row expands in place.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { LedgerShow } from '../../src-shared/ledgerFilter';
import type { LedgerRecord } from '../../src-shared/types';
import { ErrorText } from '../shell/ErrorText';
import { count } from '../shell/plural';
import { supersededBy, useLedgerStore } from '../state/ledgerStore';
import { useRunViewStore } from '../state/runViewStore';
import { RecordDetail } from './RecordDetail';
import { hasError, recordTitle } from './recordInsight';

const ROW = 30;
const NO_NODES: never[] = [];
const RECORD_KINDS = [
  'run_started',
  'transition',
  'effect',
  'resumed',
  'completed',
  'failed',
  'cancelled',
  'paused',
  'unpaused',
  'snapshot',
  'restored',
  'forked',
  'recovery',
];
const SHOWS: { value: LedgerShow; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'effects', label: 'Effects' },
  { value: 'waits', label: 'Waits' },
  { value: 'errors', label: 'Errors' },
];

export function LedgerView() {
  const { total, records, follow, error, matches, superseded } = useLedgerStore(
    useShallow((s) => ({
      total: s.total,
      records: s.records,
      follow: s.follow,
      error: s.error,
      matches: s.matches,
      superseded: s.superseded,
    })),
  );
  const { selectedSeq, selectSeq, badSeq } = useRunViewStore(
    useShallow((s) => ({
      selectedSeq: s.selectedSeq,
      selectSeq: s.selectSeq,
      badSeq: s.verify?.valid === false ? s.verify.firstBadSeq : null,
    })),
  );
  const rows = matches ? matches.length : total;
  const filterOn = matches !== null;
  const seqAt = (i: number) => (matches ? matches[i]! : i);
  const indexOf = (seq: number) => (matches ? matches.indexOf(seq) : seq);
  const scrollRef = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: rows, getScrollElement: () => scrollRef.current, estimateSize: () => ROW, overscan: 30 });
  const items = v.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;

  useEffect(() => {
    if (last < 0) return;
    if (matches) useLedgerStore.getState().ensureSeqs(matches.slice(first, last + 1));
    else useLedgerStore.getState().ensureRange(first, last);
  }, [first, last, total, matches]);
  useEffect(() => {
    if (follow && rows > 0) v.scrollToIndex(rows - 1, { align: 'end' });
  }, [follow, rows, v]);
  useEffect(() => {
    if (selectedSeq === null) return;
    useLedgerStore.getState().setFollow(false);
    // Load the record itself too: the detail must not wait for the scroll to settle.
    useLedgerStore.getState().ensureRange(selectedSeq, selectedSeq);
    const i = matches ? matches.indexOf(selectedSeq) : selectedSeq;
    // At the top of the list, so the chosen row and the detail it opens below it are in view
    // (centring a tall expanded row would push the row itself out of sight).
    if (i >= 0) v.scrollToIndex(i, { align: 'start' });
    // On a short window the ledger itself may be below the fold: bring it into view too.
    scrollRef.current?.scrollIntoView({ block: 'nearest' });
    // Not on every refilter (live records): only when the selection or the kind of list changes.
  }, [selectedSeq, v, filterOn]);

  const onScroll = () => {
    const el = scrollRef.current;
    if (el) useLedgerStore.getState().setFollow(el.scrollHeight - el.scrollTop - el.clientHeight < ROW * 1.5);
  };
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (rows === 0) return;
    const cur = selectedSeq === null ? (e.key === 'ArrowUp' ? rows : -1) : indexOf(selectedSeq);
    if (e.key === 'ArrowDown') selectSeq(seqAt(Math.min(rows - 1, cur + 1)));
    else if (e.key === 'ArrowUp') selectSeq(seqAt(Math.max(0, cur - 1)));
    else if (e.key === 'Home') selectSeq(seqAt(0));
    else if (e.key === 'End') selectSeq(seqAt(rows - 1));
    else if (e.key === 'Escape') selectSeq(null);
    else return;
    e.preventDefault();
  };

  return (
    <section className="panel ledger" aria-label="Ledger">
      <LedgerToolbar total={total} follow={follow} onTop={() => rows > 0 && selectSeq(seqAt(0))} />
      <LedgerFilters />
      {error ? <ErrorText text={error} /> : null}
      <div className="ledger-row ledger-head" role="presentation" aria-hidden="true">
        <span className="seq">Seq</span>
        <span className="time">Time</span>
        <span className="node">Node</span>
        <span className="title">Record</span>
        <span className="actor">Actor</span>
        <span className="hash">Hash</span>
      </div>
      <div
        className="ledger-scroll"
        ref={scrollRef}
        onScroll={onScroll}
        tabIndex={0}
        onKeyDown={onKeyDown}
        role="list"
        aria-label="Ledger records"
      >
        {matches && matches.length === 0 ? <p className="empty">No record matches these filters.</p> : null}
        <div style={{ height: v.getTotalSize(), position: 'relative', width: '100%' }}>
          {items.map((item) => {
            const seq = seqAt(item.index);
            const r = records.get(seq);
            return (
              <div
                key={seq}
                data-index={item.index}
                ref={v.measureElement}
                className="ledger-row-wrap"
                style={{ position: 'absolute', top: 0, left: 0, width: '100%', transform: `translateY(${item.start}px)` }}
                role="listitem"
              >
                <LedgerRow
                  seq={seq}
                  record={r}
                  selected={selectedSeq === seq}
                  broken={badSeq === seq}
                  superseded={supersededBy(superseded, seq)}
                  onSelect={() => selectSeq(selectedSeq === seq ? null : seq)}
                />
                {selectedSeq === seq && r ? <RecordDetail record={r} /> : null}
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}

function LedgerToolbar({ total, follow, onTop }: { total: number; follow: boolean; onTop(): void }) {
  const selectSeq = useRunViewStore((s) => s.selectSeq);
  const { matches, truncated } = useLedgerStore(useShallow((s) => ({ matches: s.matches, truncated: s.matchesTruncated })));
  const [goto, setGoto] = useState('');
  const [gotoError, setGotoError] = useState<string | null>(null);
  return (
    <div className="ledger-toolbar">
      <h2>Ledger</h2>
      <span className="muted" aria-label="Record count">
        {matches ? `${matches.length.toLocaleString('en-US')}${truncated ? '+' : ''} of ${count(total, 'record')}` : count(total, 'record')}
      </span>
      <button type="button" onClick={onTop}>
        Oldest
      </button>
      <button
        type="button"
        aria-pressed={follow}
        onClick={() => {
          selectSeq(null);
          useLedgerStore.getState().setFollow(true);
        }}
      >
        {follow ? 'Following live' : 'Follow live'}
      </button>
      <form
        className="goto"
        onSubmit={(e) => {
          e.preventDefault();
          const text = goto.trim().replace(/^#/, '');
          const n = Number(text);
          if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) return setGotoError(`“${goto}” is not a record number`);
          if (n >= total) return setGotoError(`No record #${n}: this run has records #0–#${Math.max(0, total - 1)}`);
          if (matches && !matches.includes(n))
            useLedgerStore.getState().setFilter({ kind: '', nodeId: '', status: '', show: 'all', text: '' });
          setGotoError(null);
          selectSeq(n);
        }}
      >
        <input
          aria-label="Go to seq"
          placeholder="go to #"
          value={goto}
          onChange={(e) => {
            setGoto(e.target.value);
            setGotoError(null);
          }}
          size={8}
          inputMode="numeric"
          aria-invalid={gotoError ? true : undefined}
          aria-describedby={gotoError ? 'goto-error' : undefined}
        />
        {gotoError ? (
          <span id="goto-error" className="field-error" role="alert">
            {gotoError}
          </span>
        ) : null}
      </form>
    </div>
  );
}

function LedgerFilters() {
  const filter = useLedgerStore((s) => s.filter);
  const setFilter = useLedgerStore((s) => s.setFilter);
  const nodes = useRunViewStore((s) => s.view?.workflow?.nodes ?? NO_NODES);
  const [text, setText] = useState(filter.text ?? '');
  useEffect(() => setText(filter.text ?? ''), [filter.text]);
  useEffect(() => {
    if (text === (filter.text ?? '')) return;
    const t = setTimeout(() => void setFilter({ text }), 250);
    return () => clearTimeout(t);
  }, [text, filter.text, setFilter]);
  const show = filter.show ?? 'all';
  return (
    <div className="ledger-filters" role="search" aria-label="Ledger filters">
      <div className="segmented" role="group" aria-label="Show">
        {SHOWS.map((s) => (
          <button key={s.value} type="button" aria-pressed={show === s.value} onClick={() => void setFilter({ show: s.value })}>
            {s.label}
          </button>
        ))}
      </div>
      <select aria-label="Record kind" value={filter.kind ?? ''} onChange={(e) => void setFilter({ kind: e.target.value })}>
        <option value="">any kind</option>
        {RECORD_KINDS.map((k) => (
          <option key={k} value={k}>
            {k.replace('_', ' ')}
          </option>
        ))}
      </select>
      <select aria-label="Node" value={filter.nodeId ?? ''} onChange={(e) => void setFilter({ nodeId: e.target.value })}>
        <option value="">any node</option>
        {nodes.map((n) => (
          <option key={n.id} value={n.id}>
            {n.label || n.id}
          </option>
        ))}
      </select>
      <select aria-label="Record status" value={filter.status ?? ''} onChange={(e) => void setFilter({ status: e.target.value })}>
        <option value="">any status</option>
        {['started', 'completed', 'waiting', 'failed'].map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
      <SupersededToggle />
      <input
        type="search"
        className="grow"
        aria-label="Search in records"
        placeholder="search payloads…"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
    </div>
  );
}

function SupersededToggle() {
  const { ranges, hide, setHide } = useLedgerStore(
    useShallow((s) => ({ ranges: s.superseded, hide: s.hideSuperseded, setHide: s.setHideSuperseded })),
  );
  if (ranges.length === 0) return null;
  return (
    <label className="checkbox">
      <input type="checkbox" checked={hide} onChange={(e) => void setHide(e.target.checked)} />
      Hide superseded
    </label>
  );
}

function LedgerRow(props: {
  seq: number;
  record: LedgerRecord | undefined;
  selected: boolean;
  broken: boolean;
  superseded: [number, number] | null;
  onSelect(): void;
}) {
  const { seq, record, selected, broken, superseded, onSelect } = props;
  if (!record) {
    return (
      <div className="ledger-row placeholder" data-seq={seq}>
        <span className="seq">#{seq}</span>
        <span className="muted">loading…</span>
      </div>
    );
  }
  return (
    <button
      type="button"
      className={`ledger-row status-${hasError(record) ? 'failed has-error' : record.status}${selected ? ' selected' : ''}${broken ? ' broken' : ''}${superseded ? ' superseded' : ''}`}
      data-seq={seq}
      data-superseded={superseded ? 'true' : undefined}
      onClick={onSelect}
      aria-expanded={selected}
      tabIndex={-1}
      title={
        broken
          ? 'Verification fails at this record'
          : superseded
            ? `Superseded: the run was restored to #${superseded[0]} at #${superseded[1]}`
            : undefined
      }
    >
      <span className="seq">#{seq}</span>
      <span className="time">{record.started_at.slice(11, 23)}</span>
      <span className="node" title={record.node_id ?? undefined}>
        {record.node_id ?? '—'}
      </span>
      <span className="title" title={recordTitle(record)}>
        {recordTitle(record)}
      </span>
      <span className="actor">{record.actor?.kind ?? ''}</span>
      <span className="hash" title={record.record_hash}>
        {record.record_hash.slice(0, 10)}
      </span>
    </button>
  );
}
