import { randomUUID } from 'node:crypto';
import type { IdGenerator } from './contracts';

export const randomIds: IdGenerator = {
  runId: () => randomUUID(),
  stepId: () => randomUUID(),
  snapshotId: () => randomUUID(),
};

/** Predictable ids for tests: `run-1`, `step-1`, … */
export function sequentialIds(prefix = ''): IdGenerator {
  let runs = 0;
  let steps = 0;
  let snaps = 0;
  return {
    runId: () => `${prefix}run-${++runs}`,
    stepId: () => `${prefix}step-${++steps}`,
    snapshotId: () => `${prefix}snap-${++snaps}`,
  };
}
