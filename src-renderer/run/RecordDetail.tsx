/** One record, expanded: effect, result, actor, hashes, signature; LLM and tool calls made readable. */
import type { LedgerRecord } from '../../src-shared/types';
import { JsonView } from '../shell/JsonView';
import { useState } from 'react';
import { canRebuildAfter } from '../../src-shared/timeTravel';
import { compareHref, recordHref } from '../state/hashRoute';
import { useRunViewStore } from '../state/runViewStore';
import { TimeTravelDialog, type TravelAction } from './TimeTravelDialog';
import { latencyMs, llmInsight, toolInsight } from './recordInsight';

/** `inBundle`: a record read from a bundle being audited — not in this database, so nothing to link to or travel from. */
export function RecordDetail({ record, inBundle = false }: { record: LedgerRecord; inBundle?: boolean }) {
  const [travel, setTravel] = useState<TravelAction | null>(null);
  const resumable = useRunViewStore((s) => s.view?.resumable ?? false);
  const llm = llmInsight(record);
  const tools = toolInsight(record);
  const ms = latencyMs(record);
  return (
    <div className="record-detail" aria-label={`Record ${record.seq}`}>
      {inBundle ? null : (
        <div className="record-links">
          <a href={recordHref(record.run_id, record.seq)}>Link to record #{record.seq}</a>
          <button type="button" className="link" onClick={() => void copyLink(record)}>
            Copy link
          </button>
          <a href={compareHref(`${record.run_id}@${record.seq}`, record.run_id)}>Compare this state with now</a>
          <span className="spacer" />
          {canRebuildAfter(record) ? (
            <>
              <button type="button" disabled={!resumable} onClick={() => setTravel('restore')}>
                Restore to here…
              </button>
              <button type="button" disabled={!resumable} onClick={() => setTravel('fork')}>
                Fork from here…
              </button>
            </>
          ) : (
            <span className="muted" title="Inside a step the state cannot be rebuilt: use the record that ends the step">
              no time travel from inside a step
            </span>
          )}
        </div>
      )}
      {travel ? <TimeTravelDialog runId={record.run_id} seq={record.seq} action={travel} onClose={() => setTravel(null)} /> : null}
      <dl className="kv">
        <dt>kind</dt>
        <dd>
          {record.kind} · {record.status} · attempt {record.attempt}
        </dd>
        <dt>step</dt>
        <dd>{record.step_id}</dd>
        <dt>time</dt>
        <dd>
          {record.started_at}
          {record.ended_at ? ` → ${record.ended_at}` : ''}
          {ms !== null ? ` (${ms} ms)` : ''}
        </dd>
        <dt>actor</dt>
        <dd>
          {record.actor ? `${record.actor.kind}:${record.actor.id} · ${record.actor.fingerprint.slice(0, 16)}…` : (record.actor_id ?? '—')}
        </dd>
        <dt>idempotency</dt>
        <dd className="mono">{record.idempotency_key ?? '—'}</dd>
        <dt>prev_hash</dt>
        <dd className="mono">{record.prev_hash ?? '(genesis)'}</dd>
        <dt>record_hash</dt>
        <dd className="mono">{record.record_hash}</dd>
        <dt>signature</dt>
        <dd className="mono">{record.signature ?? 'unsigned'}</dd>
      </dl>
      {llm ? (
        <div className="insight">
          <h3>LLM call{llm.model ? ` · ${llm.model}` : ''}</h3>
          <p className="muted">
            {llm.tokens
              ? `tokens: ${llm.tokens.prompt ?? '?'} in / ${llm.tokens.completion ?? '?'} out${llm.tokens.total !== null ? ` / ${llm.tokens.total} total` : ''}`
              : 'no token usage recorded'}
            {llm.latencyMs !== null ? ` · latency ${llm.latencyMs} ms` : ''}
            {llm.finishReason ? ` · finish: ${llm.finishReason}` : ''}
          </p>
          <h4>Prompt</h4>
          <JsonView value={llm.prompt} label="Prompt" />
          <h4>Reply</h4>
          <JsonView value={llm.reply} label="Reply" />
        </div>
      ) : null}
      {tools ? (
        <div className="insight">
          <h3>Tool calls</h3>
          {tools.calls.map((c) => (
            <div key={c.call_id}>
              <h4>
                {c.name} <span className="muted">{c.call_id}</span>
              </h4>
              <JsonView value={c.arguments} label={`Arguments of ${c.call_id}`} />
            </div>
          ))}
          <h4>Results</h4>
          <JsonView value={tools.results} label="Tool results" />
        </div>
      ) : null}
      {record.effect && !llm && !tools ? (
        <>
          <h4>Effect</h4>
          <JsonView value={record.effect} label="Effect" />
        </>
      ) : null}
      {!tools && !llm ? (
        <>
          <h4>Result</h4>
          <JsonView value={record.result} label="Result" />
        </>
      ) : null}
      {record.error ? (
        <>
          <h4>Error</h4>
          <JsonView value={record.error} label="Error" />
        </>
      ) : null}
    </div>
  );
}

function copyLink(record: LedgerRecord): Promise<void> {
  const url = `${window.location.href.split('#')[0]}${recordHref(record.run_id, record.seq)}`;
  return navigator.clipboard?.writeText(url).catch(() => undefined) ?? Promise.resolve();
}
