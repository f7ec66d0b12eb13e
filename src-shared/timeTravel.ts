/** What restoring to, or forking from, a ledger record will do (host/timeTravel.ts computes it). */
import type { LedgerRecord, WaitState } from './types';

export interface TimeTravelPreview {
  seq: number;
  node: string | null;
  status: string;
  vars: unknown;
  /** Effects recorded after `seq`: each runs again (none of their results is reused). */
  effectsAgain: { seq: number; type: string; node_id: string | null }[];
  /** True when more effects follow than are listed. */
  moreEffects: boolean;
  /** Results reused from the ledger by a restore or fork (always 0: both re-key effects). */
  reusedResults: number;
  /** The wait the rebuilt state is in, armed again with a new key (null: none). */
  waitReArms: Pick<WaitState, 'reason' | 'event_name' | 'until' | 'prompt'> | null;
  /** Records a restore leaves behind (superseded, still in the ledger). */
  superseded: number;
}

const ENDS_SOMETHING = ['run_started', 'forked', 'transition', 'resumed', 'restored'];

/**
 * Whether the run's state right after this record can be rebuilt: after a record that ends
 * something (the start or a fork, a transition, a resume, a restore) or begins a wait — not
 * inside a step, where an effect is under way.
 */
export function canRebuildAfter(r: Pick<LedgerRecord, 'kind' | 'status'>): boolean {
  return (ENDS_SOMETHING.includes(r.kind) && r.status === 'completed') || (r.kind === 'effect' && r.status === 'waiting');
}
