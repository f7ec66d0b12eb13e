/**
 * Lease owners that name their process (`<hostname>:<pid>:<random>`), so that after a crash
 * the restarted app can take over the dead process's leases at once instead of waiting for
 * them to expire. Only a process on this same machine can be checked; a pid that is alive
 * (or reused) keeps the lease until its TTL, which is the safe side.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

const OWNER = /^(.+):(\d+):([^:]+)$/;

export function processLeaseOwner(): string {
  return `${hostname()}:${process.pid}:${randomUUID()}`;
}

/** True when `owner` is a process lease owner of this machine whose process no longer exists. */
export function isDeadLocalOwner(owner: string): boolean {
  const m = OWNER.exec(owner);
  return !!m && isDeadLocalProcess(m[1]!, Number(m[2]));
}

/** True when the process `pid` of machine `host` is of this machine and no longer exists. */
export function isDeadLocalProcess(host: string, pid: number): boolean {
  if (host !== hostname()) return false;
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
