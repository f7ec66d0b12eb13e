/** The run's time as a waterfall: node steps, effect attempts (LLM, tools, retries) and waits as spans. */
import { useEffect, useMemo, useState } from 'react';
import type { LedgerRecord } from '../../src-shared/types';
import { ErrorText } from '../shell/ErrorText';
import { count } from '../shell/plural';
import { runtimeClient } from '../state/clientRef';
import { useLedgerStore } from '../state/ledgerStore';
import { useRunViewStore } from '../state/runViewStore';
import { describeError } from '../state/toastStore';
import { buildTimeline, formatMs, type Span } from './timelineModel';

/** Records a timeline reads at most (the API's page limit); longer runs show their latest ones. */
const WINDOW = 5000;
const MAX_ROWS = 400;

export function TimelineView() {
  const runId = useRunViewStore((s) => s.runId);
  const view = useRunViewStore((s) => s.view);
  const selectSeq = useRunViewStore((s) => s.selectSeq);
  const total = useLedgerStore((s) => s.total);
  const [records, setRecords] = useState<LedgerRecord[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!runId) return;
    let live = true;
    const req = total > WINDOW ? { runId, fromEnd: true, limit: WINDOW } : { runId, afterSeq: -1, limit: WINDOW };
    runtimeClient()
      .call('getLedger', req)
      .then((page) => live && (setRecords(page.records), setError(null)))
      .catch((err: unknown) => live && setError(describeError(err)));
    return () => {
      live = false;
    };
  }, [runId, total]);
  const now = Date.now();
  const timeline = useMemo(() => buildTimeline(records ?? [], now), [records]);
  const pending = view?.state.pending_effect ?? null;
  if (error) return <ErrorText text={error} />;
  if (!records) return <p className="muted">Loading the timeline…</p>;
  const shown = timeline.spans.slice(0, MAX_ROWS);
  return (
    <div className="timeline" aria-label="Timeline">
      <div className="timeline-head">
        <span className="muted">
          {count(timeline.spans.length, 'span')} over {formatMs(timeline.spanMs)}
          {total > WINDOW ? ` · the last ${WINDOW.toLocaleString('en-US')} of ${count(total, 'record')}` : ''}
          {timeline.spans.length > MAX_ROWS ? ` · first ${MAX_ROWS} shown` : ''}
        </span>
        <span className="timeline-key">
          <span className="bar-key span-step" />
          step <span className="bar-key span-effect" />
          effect <span className="bar-key span-wait" />
          wait <span className="bar-key span-failed" />
          failed
        </span>
      </div>
      {pending ? (
        <p className="pending-effect" role="status" aria-label="Pending effect">
          Pending: {pending.effect.type} at #{pending.seq}, attempt {pending.attempt} (its result is not recorded yet)
        </p>
      ) : null}
      <ol className="timeline-rows">
        {shown.map((s, i) => (
          <TimelineRow key={`${s.kind}-${s.seq}-${i}`} span={s} total={timeline.spanMs} onSelect={() => selectSeq(s.seq)} />
        ))}
      </ol>
    </div>
  );
}

function TimelineRow({ span, total, onSelect }: { span: Span; total: number; onSelect(): void }) {
  const left = (span.start / total) * 100;
  const width = Math.max(0.4, ((span.end - span.start) / total) * 100);
  const dur = formatMs(span.end - span.start);
  const what = `${span.label}${span.attempt > 1 ? ` (attempt ${span.attempt})` : ''}`;
  return (
    <li className="timeline-row" data-kind={span.kind}>
      <button type="button" className="link timeline-label" onClick={onSelect} title={`#${span.seq}: ${what}`}>
        #{span.seq} {what}
      </button>
      <span className="timeline-track">
        <span
          className={`timeline-bar span-${span.failed ? 'failed' : span.kind}${span.open ? ' open' : ''}`}
          style={{ left: `${Math.min(left, 99.6)}%`, width: `${Math.min(width, 100 - Math.min(left, 99.6))}%` }}
          title={`${what}: ${dur}${span.open ? ' so far' : ''}`}
        />
      </span>
      <span className="timeline-dur" aria-label={`Duration of ${what}`}>
        {dur}
        {span.open ? '…' : ''}
      </span>
    </li>
  );
}
