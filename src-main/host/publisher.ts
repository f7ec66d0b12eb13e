/**
 * Turns the host's commits into bus events: `ledgerAppended` (the records after the last
 * published seq, one event per advance chunk rather than one per record, so a fast run does
 * not flood the UI), `runUpdated`, and `attentionNeeded` once per new wait on a person.
 */
import type { LedgerRecord, RunState } from '../../src-shared/types';
import type { RuntimeStore } from '../runtime/contracts';
import { toRunSummary } from '../runtime/runSummary';
import type { EventBus } from './eventBus';

const PAGE = 5000;
const FEED_BACKFILL = 200;
const PERSON_REASONS = new Set(['user', 'tool_calls', 'recovery']);

export class RunPublisher {
  private readonly lastSeq = new Map<string, number>();
  private readonly lastAttentionKey = new Map<string, string>();

  constructor(
    private readonly store: RuntimeStore,
    private readonly bus: EventBus,
  ) {}

  /** Remembers where a run's ledger stood before the host touches it. */
  mark(state: RunState | null): void {
    if (state && !this.lastSeq.has(state.run_id)) this.lastSeq.set(state.run_id, state.ledger_head?.seq ?? -1);
  }

  markNew(runId: string): void {
    this.lastSeq.set(runId, -1);
  }

  /**
   * A run another process changed (the change feed). A run this host never published gets
   * its last FEED_BACKFILL records: live views merge records by seq, so overlap is harmless
   * and a longer gap is fetched page by page as the view scrolls.
   */
  publishChange(runId: string, headSeq: number | null): void {
    if (!this.lastSeq.has(runId)) this.lastSeq.set(runId, Math.max(-1, (headSeq ?? -1) - FEED_BACKFILL));
    this.publish(runId);
  }

  /**
   * Publishes the run as it now stands (`current`: the caller's own read of it, or the state
   * its commit just made durable). A `current` behind what was already published (another
   * process moved the run meanwhile, and the change feed published that) is not the run as
   * it stands: the store is read instead, so a view never goes back to an older state.
   */
  publish(runId: string, current: RunState | null = null): RunState | null {
    const fresh = current && (current.ledger_head?.seq ?? -1) >= (this.lastSeq.get(runId) ?? -1) ? current : null;
    const state = fresh ?? this.store.getRun(runId);
    if (!state) return null;
    const headSeq = state.ledger_head?.seq ?? -1;
    const from = this.lastSeq.get(runId) ?? headSeq;
    // Nobody follows records (a headless worker): reading them would cost a query per publish.
    if (headSeq > from && this.bus.listenerCount('ledgerAppended') > 0) this.emitRecords(runId, from, headSeq);
    this.lastSeq.set(runId, headSeq);
    this.bus.emit('runUpdated', { run: toRunSummary(state) });
    this.maybeAttention(state);
    return state;
  }

  private emitRecords(runId: string, fromSeq: number, toSeq: number): void {
    let after = fromSeq;
    while (after < toSeq) {
      const page = this.store.readLedger(runId, { afterSeq: after, limit: PAGE });
      const records: LedgerRecord[] = page.records.filter((r) => r.seq <= toSeq);
      if (records.length === 0) break;
      this.bus.emit('ledgerAppended', { runId, records });
      after = records[records.length - 1]!.seq;
    }
  }

  private maybeAttention(state: RunState): void {
    const wait = state.waiting;
    if (state.status !== 'waiting' || !wait || !PERSON_REASONS.has(wait.reason) || state.paused) return;
    if (this.lastAttentionKey.get(state.run_id) === wait.wait_key) return;
    this.lastAttentionKey.set(state.run_id, wait.wait_key);
    this.bus.emit('attentionNeeded', {
      runId: state.run_id,
      workflowId: state.workflow_id,
      reason: wait.reason,
      prompt: wait.prompt ?? attentionPrompt(state),
    });
  }
}

function attentionPrompt(state: RunState): string | null {
  const wait = state.waiting!;
  if (wait.reason === 'tool_calls') return `approve tool calls: ${(wait.tool_calls ?? []).map((c) => c.name).join(', ')}`;
  if (wait.reason === 'recovery') return `an effect was interrupted at node ${state.current_node}: retry, skip or fail`;
  return null;
}
