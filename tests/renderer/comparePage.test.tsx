// @vitest-environment jsdom
import './setup-dom';
import { render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ApiRequest } from '../../src-shared/api';
import { RunNotFoundError } from '../../src-shared/errors';
import { ComparePage } from '../../src-renderer/compare/ComparePage';
import { setRuntimeClient } from '../../src-renderer/state/clientRef';
import { createFakeClient } from './support/fakeClient';

const wait = (ms: number) => new Promise((res) => setTimeout(res, ms));

describe('Compare page: runs that do not exist', () => {
  it('names the first side when both are missing, whichever answer comes back first', async () => {
    // The second side's refusal arrives first.
    setRuntimeClient(
      createFakeClient({
        getRun: async (req: ApiRequest<'getRun'>) => {
          await wait(req.runId === 'first' ? 30 : 1);
          throw new RunNotFoundError(`Run ${req.runId} does not exist`);
        },
      }),
    );
    render(<ComparePage query={new URLSearchParams('a=first&b=second')} />);
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('Run first does not exist'));
    await wait(50);
    expect(screen.getByRole('alert').textContent).toContain('Run first does not exist');
    expect(screen.getByRole('alert').textContent).not.toContain('second');
  });
});
