// @vitest-environment jsdom
import './setup-dom';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { AuditPage } from '../../src-renderer/audit/AuditPage';
import { LedgerView } from '../../src-renderer/run/LedgerView';
import { setRuntimeClient } from '../../src-renderer/state/clientRef';
import { useLedgerStore } from '../../src-renderer/state/ledgerStore';
import { useRunViewStore } from '../../src-renderer/state/runViewStore';
import { createFakeClient } from './support/fakeClient';
import { pagedLedger, record } from './support/fixtures';

beforeEach(() => {
  useLedgerStore.getState().reset();
  useRunViewStore.getState().reset();
});

describe('ledger view', () => {
  it('renders a 100,000-record ledger as a few rows and loads a far page on "Go to seq"', async () => {
    const client = createFakeClient({ getLedger: pagedLedger(100_000) });
    setRuntimeClient(client);
    useRunViewStore.setState({ runId: 'run-1' });
    await act(() => useLedgerStore.getState().open('run-1'));
    render(<LedgerView />);
    expect(screen.getByLabelText('Record count').textContent).toBe('100,000 records');
    const list = screen.getByRole('list', { name: 'Ledger records' });
    const rows = list.querySelectorAll('[data-seq]');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(200);

    fireEvent.change(screen.getByLabelText('Go to seq'), { target: { value: '54321' } });
    await act(async () => fireEvent.submit(screen.getByLabelText('Go to seq').closest('form')!));
    await act(async () => {});
    const reqs = client.callsTo('getLedger') as { afterSeq?: number }[];
    expect(reqs.some((r) => r.afterSeq === 54_199)).toBe(true);
    expect(reqs.length).toBeLessThan(10);
    expect(useRunViewStore.getState().selectedSeq).toBe(54_321);
    expect(useLedgerStore.getState().follow).toBe(false);
  });

  it('expands the selected record with hashes, actor and LLM details', async () => {
    const llm = record(1, {
      kind: 'effect',
      effect: { type: 'llm_call', payload: { messages: [{ role: 'user', content: 'Summarise' }] }, result_key: 'r' },
      result: { content: 'A summary.', usage: { prompt_tokens: 12, completion_tokens: 3 } },
      started_at: '2026-11-29T04:00:00.000Z',
      ended_at: '2026-11-29T04:00:00.420Z',
    });
    setRuntimeClient(createFakeClient({ getLedger: () => ({ records: [record(0), llm], total: 2 }) }));
    useRunViewStore.setState({ runId: 'run-1' });
    await act(() => useLedgerStore.getState().open('run-1'));
    render(<LedgerView />);
    fireEvent.click(screen.getByText('llm_call · completed'));
    const detail = screen.getByLabelText('Record 1');
    expect(within(detail).getByText('hash1')).toBeTruthy();
    expect(within(detail).getByText('hash0')).toBeTruthy();
    expect(detail.textContent).toContain('tokens: 12 in / 3 out');
    expect(detail.textContent).toContain('latency 420 ms');
    expect(within(detail).getByLabelText('Reply').textContent).toContain('A summary.');
  });
});

describe('audit page', () => {
  it('verifies a bundle file in the host and lists its records read-only', async () => {
    const bundle = {
      format: 'abstractruntime-bundle',
      records: [
        {
          seq: 0,
          record_hash: 'h0',
          signature: null,
          foreign: false,
          body: JSON.stringify({ kind: 'run_started', node_id: 'count', status: 'completed', started_at: '2026-11-29T04:00:00Z' }),
        },
      ],
    };
    const client = createFakeClient({
      verifyBundle: () => ({
        valid: false,
        records: 1,
        firstBadSeq: 0,
        reason: 'hash_mismatch',
        message: 'record 0 changed',
        signed: null,
        runId: 'r',
        workflowId: 'examples.counter',
      }),
    });
    setRuntimeClient(client);
    render(<AuditPage />);
    const file = new File([JSON.stringify(bundle)], 'run.bundle.json', { type: 'application/json' });
    await act(async () => fireEvent.change(screen.getByLabelText('Bundle file'), { target: { files: [file] } }));
    await screen.findByRole('status', { name: 'Verification' });
    expect(screen.getByRole('status', { name: 'Verification' }).textContent).toContain('Chain broken at seq 0 (hash_mismatch)');
    expect(client.callsTo('verifyBundle')).toEqual([{ bundle }]);
    // An invalid bundle's records, run id and workflow are unverified claims: not shown.
    expect(screen.queryByText('run_started')).toBeNull();
    expect(screen.queryByLabelText('Trust')).toBeNull();
  });

  it('lists a valid bundle’s records with who vouches for them, in words', async () => {
    const bundle = {
      format: 'abstractruntime-bundle',
      records: [
        {
          seq: 0,
          record_hash: 'h0',
          signature: null,
          foreign: false,
          body: JSON.stringify({ kind: 'run_started', node_id: 'count', status: 'completed', started_at: '2026-11-29T04:00:00Z' }),
        },
      ],
    };
    const unsigned = 'unsigned: integrity only (anyone who can edit the file can re-hash it)';
    const client = createFakeClient({
      verifyBundle: () => ({
        valid: true,
        records: 1,
        firstBadSeq: null,
        reason: null,
        message: 'valid',
        signed: null,
        trust: 'unsigned',
        trustMessage: unsigned,
        runId: 'r',
        workflowId: 'examples.counter',
      }),
    });
    setRuntimeClient(client);
    render(<AuditPage />);
    const file = new File([JSON.stringify(bundle)], 'run.bundle.json', { type: 'application/json' });
    await act(async () => fireEvent.change(screen.getByLabelText('Bundle file'), { target: { files: [file] } }));
    await screen.findByRole('status', { name: 'Verification' });
    expect(screen.getByLabelText('Trust').textContent).toBe(unsigned);
    expect(screen.getByText('run_started')).toBeTruthy();
  });

  it('where the host reads the file (Electron, web upload) the page lists the records it sends back, and offers Open bundle…', async () => {
    const verdict = {
      valid: true,
      records: 3,
      firstBadSeq: null,
      reason: null,
      message: 'valid',
      signed: null,
      runId: 'r',
      workflowId: 'examples.counter',
      preview: {
        recordCount: 3,
        records: [
          {
            seq: 0,
            record_hash: 'h0',
            signature: null,
            body: JSON.stringify({ kind: 'run_started', node_id: 'count', status: 'completed' }),
          },
        ],
      },
    };
    const client = createFakeClient({});
    const picked: string[] = [];
    const files: File[] = [];
    Object.assign(client, {
      verifyBundleFile: async (file: File) => (files.push(file), verdict),
      openBundleFile: async () => (picked.push('dialog'), { ...verdict, fileName: 'picked.bundle.json' }),
    });
    setRuntimeClient(client);
    render(<AuditPage />);
    const file = new File(['{"not":"read by the page"}'], 'run.bundle.json');
    await act(async () => fireEvent.change(screen.getByLabelText('Bundle file'), { target: { files: [file] } }));
    await screen.findByRole('status', { name: 'Verification' });
    expect(files).toEqual([file]);
    expect(client.calls).toEqual([]); // nothing posted: the file went by its own path
    expect(screen.getByText('run_started')).toBeTruthy();
    expect(screen.getByText(/3 records/)).toBeTruthy();
    // A bundle's record is not in this database: no links to it, no time travel from it.
    fireEvent.click(screen.getByRole('button', { name: /#0/ }));
    expect(screen.getByLabelText('Record 0')).toBeTruthy();
    expect(screen.queryByText('Restore to here…')).toBeNull();
    expect(screen.queryByText(/Link to record/)).toBeNull();

    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Open bundle…' })));
    expect(picked).toEqual(['dialog']);
    expect(await screen.findByText('picked.bundle.json')).toBeTruthy();
  });

  it('names a file that is not JSON instead of sending it', async () => {
    const client = createFakeClient({});
    setRuntimeClient(client);
    render(<AuditPage />);
    const file = new File(['not json'], 'x.json');
    await act(async () => fireEvent.change(screen.getByLabelText('Bundle file'), { target: { files: [file] } }));
    // In words, with the code kept for hover and copy (ErrorText), not shown as the message.
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Not JSON');
    expect(alert.textContent).not.toContain('BUNDLE_INVALID:');
    expect(alert.getAttribute('data-code')).toBe('BUNDLE_INVALID');
    expect(client.calls).toEqual([]);
  });
});
