import type { JsonValue } from '../../src-shared/json';
import type { ActorFingerprint, EffectRecord, LedgerRecord, RecordKind, RecordStatus, RunState } from '../../src-shared/types';
import type { RuntimeStore } from './contracts';
import { sealKernelRecord, type RecordSigner } from './recordHash';
import type { TxLease } from './runLocks';

export interface RecordInit {
  kind: RecordKind;
  status: RecordStatus;
  node_id?: string | null;
  step_id?: string;
  effect?: EffectRecord | null;
  result?: JsonValue | null;
  error?: { code: string; message: string } | null;
  attempt?: number;
  idempotency_key?: string | null;
  actor?: ActorFingerprint;
  started_at?: string;
  ended_at?: string | null;
}

export interface TxEnv {
  store: RuntimeStore;
  signer?: RecordSigner;
  actor: ActorFingerprint;
  now(): string;
  newStepId(): string;
  /** The run lease every commit claims (absent for a run being created). */
  lease?: TxLease;
  /** The operation awaits whenDurable(runId) before relying on any of its commits (see CommitBatch.deferrable). */
  deferrable?: boolean;
}

/**
 * A run's pending write: the working state plus the records that lead to it. Records are
 * chained as they are appended; `flush` hands state and records to the store in one
 * atomic commit, guarded by the head the writer started from.
 */
export class RunTx {
  records: LedgerRecord[] = [];
  private expectedHeadSeq: number | null;
  private dirty = false;

  constructor(
    private readonly env: TxEnv,
    public state: RunState,
    private readonly isNew = false,
  ) {
    this.expectedHeadSeq = state.ledger_head?.seq ?? null;
  }

  append(init: RecordInit): LedgerRecord {
    const now = this.env.now();
    const actor = init.actor ?? this.env.actor;
    const record = sealKernelRecord(
      {
        run_id: this.state.run_id,
        step_id: init.step_id ?? this.env.newStepId(),
        node_id: init.node_id === undefined ? this.state.current_node : init.node_id,
        status: init.status,
        kind: init.kind,
        effect: init.effect ?? null,
        result: init.result ?? null,
        error: init.error ?? null,
        started_at: init.started_at ?? now,
        ended_at: init.ended_at === undefined ? (init.status === 'started' ? null : now) : init.ended_at,
        actor_id: actor.id,
        actor,
        attempt: init.attempt ?? 1,
        idempotency_key: init.idempotency_key ?? null,
      },
      this.state.ledger_head,
      this.env.signer,
    );
    this.records.push(record);
    this.state = { ...this.state, ledger_head: { seq: record.seq, hash: record.record_hash }, updated_at: now };
    this.dirty = true;
    return record;
  }

  update(patch: Partial<RunState>): void {
    this.state = { ...this.state, ...patch };
    this.dirty = true;
  }

  /** The head of what is committed (the pending records not counted): what the store's reads describe. */
  get committedHeadSeq(): number | null {
    return this.expectedHeadSeq;
  }

  get pendingRecords(): number {
    return this.records.length;
  }

  /**
   * Commits what is pending, claiming the run lease in the same transaction. `final`: the
   * operation writes nothing after this, so the commit may release the lease too.
   */
  flush(final = false): void {
    if (!this.dirty) return;
    const lease = this.env.lease;
    const claim = lease?.claim();
    const release = !!claim && final && lease!.mayRelease();
    this.env.store.commit({
      state: this.state,
      records: this.records,
      expectedHeadSeq: this.isNew && this.expectedHeadSeq === null ? null : this.expectedHeadSeq,
      ...(this.isNew && this.expectedHeadSeq === null ? { isNew: true } : {}),
      ...(claim ? { lease: claim } : {}),
      ...(release ? { releaseLease: true } : {}),
      ...(this.env.deferrable ? { deferrable: true } : {}),
    });
    lease?.committed(release);
    this.expectedHeadSeq = this.state.ledger_head?.seq ?? null;
    this.records = [];
    this.dirty = false;
  }
}
