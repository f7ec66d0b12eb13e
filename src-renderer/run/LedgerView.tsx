/**
 * The ledger stream: a virtual list as long as the ledger (`total`), whose visible rows ask
 * the ledger store for their pages. Scrolled to the bottom it follows live records; any
 * other position stays put. The selected row expands in place.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { LedgerRecord } from '../../src-shared/types';
import { useLedgerStore } from '../state/ledgerStore';
import { useRunViewStore } from '../state/runViewStore';
import { RecordDetail } from './RecordDetail';
import { hasError, recordTitle } from './recordInsight';

const ROW = 30;

export function LedgerView() {
  const { total, records, follow, error } = useLedgerStore(
    useShallow((s) => ({ total: s.total, records: s.records, follow: s.follow, error: s.error })),
  );
  const { selectedSeq, selectSeq, badSeq } = useRunViewStore(
    useShallow((s) => ({ selectedSeq: s.selectedSeq, selectSeq: s.selectSeq, badSeq: s.verify?.valid === false ? s.verify.firstBadSeq : null })),
  );
  const scrollRef = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: total, getScrollElement: () => scrollRef.current, estimateSize: () => ROW, overscan: 30 });
  const items = v.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;

  useEffect(() => {
    if (last >= 0) useLedgerStore.getState().ensureRange(first, last);
  }, [first, last, total]);
  useEffect(() => {
    if (follow && total > 0) v.scrollToIndex(total - 1, { align: 'end' });
  }, [follow, total, v]);
  useEffect(() => {
    if (selectedSeq === null) return;
    useLedgerStore.getState().setFollow(false);
    // Load the record itself too: the detail must not wait for the scroll to settle.
    useLedgerStore.getState().ensureRange(selectedSeq, selectedSeq);
    v.scrollToIndex(selectedSeq, { align: 'auto' });
  }, [selectedSeq, v]);

  const onScroll = () => {
    const el = scrollRef.current;
    if (el) useLedgerStore.getState().setFollow(el.scrollHeight - el.scrollTop - el.clientHeight < ROW * 1.5);
  };
  const onKeyDown = (e: React.KeyboardEvent) => {
    const cur = selectedSeq ?? (e.key === 'ArrowUp' ? total : -1);
    if (e.key === 'ArrowDown') selectSeq(Math.min(total - 1, cur + 1));
    else if (e.key === 'ArrowUp') selectSeq(Math.max(0, cur - 1));
    else if (e.key === 'Home') selectSeq(0);
    else if (e.key === 'End') selectSeq(total - 1);
    else if (e.key === 'Escape') selectSeq(null);
    else return;
    e.preventDefault();
  };

  return (
    <section className="panel ledger" aria-label="Ledger">
      <LedgerToolbar total={total} follow={follow} onTop={() => selectSeq(0)} />
      {error ? <p className="inline-error" role="alert">{error}</p> : null}
      <div className="ledger-scroll" ref={scrollRef} onScroll={onScroll} tabIndex={0} onKeyDown={onKeyDown} role="list" aria-label="Ledger records">
        <div style={{ height: v.getTotalSize(), position: 'relative', width: '100%' }}>
          {items.map((item) => {
            const r = records.get(item.index);
            return (
              <div
                key={item.index}
                data-index={item.index}
                ref={v.measureElement}
                className="ledger-row-wrap"
                style={{ position: 'absolute', top: 0, left: 0, width: '100%', transform: `translateY(${item.start}px)` }}
                role="listitem"
              >
                <LedgerRow seq={item.index} record={r} selected={selectedSeq === item.index} broken={badSeq === item.index} onSelect={() => selectSeq(selectedSeq === item.index ? null : item.index)} />
                {selectedSeq === item.index && r ? <RecordDetail record={r} /> : null}
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
  const [goto, setGoto] = useState('');
  return (
    <div className="ledger-toolbar">
      <h2>Ledger</h2>
      <span className="muted" aria-label="Record count">{total.toLocaleString()} records</span>
      <button type="button" onClick={onTop}>Oldest</button>
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
        onSubmit={(e) => {
          e.preventDefault();
          const n = Number(goto);
          if (Number.isInteger(n) && n >= 0 && n < total) selectSeq(n);
        }}
      >
        <input aria-label="Go to seq" placeholder="seq" value={goto} onChange={(e) => setGoto(e.target.value)} size={8} inputMode="numeric" />
      </form>
    </div>
  );
}

function LedgerRow(props: { seq: number; record: LedgerRecord | undefined; selected: boolean; broken: boolean; onSelect(): void }) {
  const { seq, record, selected, broken, onSelect } = props;
  if (!record) {
    return <div className="ledger-row placeholder" data-seq={seq}><span className="seq">#{seq}</span><span className="muted">loading…</span></div>;
  }
  return (
    <button
      type="button"
      className={`ledger-row status-${hasError(record) ? 'failed has-error' : record.status}${selected ? ' selected' : ''}${broken ? ' broken' : ''}`}
      data-seq={seq}
      onClick={onSelect}
      aria-expanded={selected}
      tabIndex={-1}
      title={broken ? 'Verification fails at this record' : undefined}
    >
      <span className="seq">#{seq}</span>
      <span className="time">{record.started_at.slice(11, 23)}</span>
      <span className="node">{record.node_id ?? '—'}</span>
      <span className="title">{recordTitle(record)}</span>
      <span className="actor">{record.actor?.kind ?? ''}</span>
      <span className="hash" title={record.record_hash}>{record.record_hash.slice(0, 10)}</span>
    </button>
  );
}
