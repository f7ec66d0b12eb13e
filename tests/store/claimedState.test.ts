/**
 * The rule for a claimed run's state, shared by every store: damage reads as null (the run
 * is claimed and fails alone when the worker reads it), any other error is the claim's own.
 */
import { describe, expect, it } from 'vitest';
import { DatabaseCorruptError, DatabaseUnavailableError } from '../../src-shared/errors';
import type { RunState } from '../../src-shared/types';
import { claimedStateOrNull } from '../../src-main/store/claimedState';

describe('claimedStateOrNull', () => {
  it('hands the state over as read, a damaged one as null, and rethrows anything else', () => {
    const state = { run_id: 'r1' } as RunState;
    expect(claimedStateOrNull(() => state)).toBe(state);
    expect(
      claimedStateOrNull(() => {
        throw new DatabaseCorruptError('the state of run r1 is damaged');
      }),
    ).toBeNull();
    const lost = new DatabaseUnavailableError('the connection was lost');
    expect(() =>
      claimedStateOrNull(() => {
        throw lost;
      }),
    ).toThrow(lost);
  });
});
