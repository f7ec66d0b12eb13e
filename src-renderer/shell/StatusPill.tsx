import type { RunStatus } from '../../src-shared/types';

export function StatusPill({ status, paused }: { status: RunStatus; paused?: boolean }) {
  return (
    <span className={`pill pill-${status}`} data-status={status}>
      {status}
      {paused ? ' · paused' : ''}
    </span>
  );
}
