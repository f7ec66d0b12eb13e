// @vitest-environment jsdom
import './setup-dom';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { AppInfo } from '../../src-shared/api';
import { IntegrityBanner } from '../../src-renderer/shell/IntegrityBanner';
import { setRuntimeClient } from '../../src-renderer/state/clientRef';
import { createFakeClient } from './support/fakeClient';

const info = (extra: Partial<AppInfo>): AppInfo => ({
  version: '0.1.0',
  dataDir: '/data',
  dbPath: '/data/runtime.db',
  transport: 'web',
  ...extra,
});

describe('integrity banner', () => {
  it('shows an unreadable anchor file and each rolled-back run, linking to the run', async () => {
    setRuntimeClient(
      createFakeClient({
        getInfo: () =>
          info({
            integrityProblems: [
              { runId: '', message: 'the anchor file /data/runtime.db.anchors.json is not valid JSON' },
              { runId: 'run-7', message: 'the ledger ends at seq 3 but a signed head vouches for seq 5: records were lost or rolled back' },
            ],
          }),
      }),
    );
    render(<IntegrityBanner />);
    const banner = await screen.findByRole('alert', { name: 'Integrity problems' });
    expect(within(banner).getByText(/anchor file: the anchor file \/data\/runtime\.db\.anchors\.json is not valid JSON/)).toBeTruthy();
    expect(within(banner).getByText(/signed head vouches for seq 5/)).toBeTruthy();
    expect(within(banner).getByRole('link', { name: 'run-7' }).getAttribute('href')).toBe('#/runs/run-7');
  });

  it('shows nothing when the host found no problem', async () => {
    const client = createFakeClient({ getInfo: () => info({ integrityProblems: [] }) });
    setRuntimeClient(client);
    render(<IntegrityBanner />);
    await waitFor(() => expect(client.callsTo('getInfo')).toHaveLength(1));
    await act(async () => undefined); // let the answer land before looking
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
