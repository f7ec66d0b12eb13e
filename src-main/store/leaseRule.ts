/**
 * The one lease rule every store applies, whether the lease is taken on its own
 * (`acquireLease`) or inside a commit (`CommitBatch.lease`): another owner's lease blocks
 * until it expires, unless that owner is known to be gone (its process died).
 */
import { RunLeasedError } from '../../src-shared/errors';

export interface HeldLease {
  owner: string;
  expiresAt: number;
}

/** Says whether a lease owner can no longer be running (e.g. its process is gone). */
export type OwnerGone = (owner: string) => boolean;

export function checkLease(runId: string, held: HeldLease | null | undefined, owner: string, now: number, ownerGone?: OwnerGone): void {
  if (!held || held.owner === owner || held.expiresAt <= now) return;
  if (ownerGone?.(held.owner)) return;
  throw new RunLeasedError(`run ${runId} is being advanced by ${held.owner} until ${new Date(held.expiresAt).toISOString()}`, {
    runId,
    owner: held.owner,
  });
}
