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

/** Visits per node and steps, counted from ledger records (the host's rebuilt states and the GUI's counts use this one rule). */
export interface StepCounts {
  visits: Record<string, number>;
  steps: number;
}

/** The node step under way after the records counted so far (a wait, an effect's attempts). */
export interface OpenStep {
  node: string;
  stepId: string | null;
}

export interface StepCounter {
  add(r: Pick<LedgerRecord, 'kind' | 'status' | 'node_id' | 'step_id'>): void;
  counts: StepCounts;
  openStep(): OpenStep | null;
}

/**
 * Counts records fed in seq order the way the kernel counts visits: a visit begins with the
 * first record of a node step — an effect attempt with a new step id, or a transition,
 * `completed` or `failed` record not closing the step already open at that node. Records of
 * an open step (an effect's later attempts, its resume, the transition that ends it) add
 * nothing. Other kinds (start, fork, resume, restore, recovery) are not steps.
 */
export function stepCounter(from: OpenStep | null = null): StepCounter {
  const counts: StepCounts = { visits: {}, steps: 0 };
  let open: OpenStep | null = from;
  const begin = (node: string, stepId: string | null) => {
    counts.visits[node] = (counts.visits[node] ?? 0) + 1;
    counts.steps++;
    open = { node, stepId };
  };
  return {
    counts,
    openStep: () => open,
    add(r) {
      const node = r.node_id;
      if (!node) return;
      if (r.kind === 'effect') {
        if (!(open && open.node === node && (open.stepId === null || open.stepId === r.step_id))) begin(node, r.step_id);
        else open = { node, stepId: r.step_id };
        return;
      }
      if (r.kind !== 'transition' && r.kind !== 'completed' && r.kind !== 'failed') return;
      if (!(open && open.node === node)) begin(node, null);
      // A failed transition is an attempt: the step stays open for the next one.
      if (!(r.kind === 'transition' && r.status === 'failed')) open = null;
    },
  };
}
