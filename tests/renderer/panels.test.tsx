// @vitest-environment jsdom
import './setup-dom';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { RunNotFoundError, WrongWaitKeyError } from '../../src-shared/errors';
import type { ToolCall } from '../../src-shared/types';
import { App } from '../../src-renderer/App';
import { ControlsBar } from '../../src-renderer/run/ControlsBar';
import { AttentionPanel } from '../../src-renderer/run/AttentionPanel';
import { SnapshotsPanel } from '../../src-renderer/run/SnapshotsPanel';
import { VerifyBadge } from '../../src-renderer/run/VerifyBadge';
import { StartRunDialog } from '../../src-renderer/runs/StartRunDialog';
import { Toasts } from '../../src-renderer/shell/Toasts';
import { TimeTravelDialog } from '../../src-renderer/run/TimeTravelDialog';
import { checkForkVars } from '../../src-main/runtime/workflowInput';
import { approvalWorkflow as approvalDefinition } from '../../src-main/workflows/approval';
import type { JsonObject } from '../../src-shared/json';
import { setRuntimeClient } from '../../src-renderer/state/clientRef';
import { useAttentionStore } from '../../src-renderer/state/attentionStore';
import { useLedgerStore } from '../../src-renderer/state/ledgerStore';
import { useRunsStore } from '../../src-renderer/state/runsStore';
import { useRunViewStore } from '../../src-renderer/state/runViewStore';
import { useToastStore } from '../../src-renderer/state/toastStore';
import { createFakeClient, type FakeHandlers } from './support/fakeClient';
import { approvalWorkflow, pagedLedger, runState, runView, summary, wait } from './support/fixtures';

const okVerify = { valid: true, records: 2, firstBadSeq: null, reason: null, message: 'Chain valid', signed: null };

function setup(h: FakeHandlers) {
  const client = createFakeClient({ verifyRun: () => okVerify, searchSnapshots: () => [], getLedger: pagedLedger(2), ...h });
  setRuntimeClient(client);
  return client;
}

async function openRun(h: FakeHandlers) {
  const client = setup(h);
  await act(() => useRunViewStore.getState().open('run-1'));
  return client;
}

beforeEach(() => {
  useRunViewStore.getState().reset();
  useLedgerStore.getState().reset();
  useToastStore.setState({ toasts: [] });
  useAttentionStore.setState({ waiting: new Set() });
  useRunsStore.setState({
    runs: [],
    total: 0,
    workflows: [],
    filters: { status: 'all', workflowId: '', search: '', from: '', to: '' },
    error: null,
  });
  window.location.hash = '';
});

describe('ask_user panel', () => {
  it('sends the typed text with the wait key via "Send answer"', async () => {
    const waiting = runView({ status: 'waiting', waiting: wait({ prompt: 'Deploy now?', wait_key: 'k7' }) });
    const client = await openRun({ getRun: () => waiting, answer: () => runState({ status: 'completed' }) });
    render(<AttentionPanel />);
    expect(screen.getByText('Deploy now?')).toBeTruthy();
    const send = screen.getByRole('button', { name: 'Send answer' }) as HTMLButtonElement;
    expect(send.disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Answer'), { target: { value: 'yes, go' } });
    await act(async () => fireEvent.click(send));
    expect(client.callsTo('answer')).toEqual([{ runId: 'run-1', text: 'yes, go', waitKey: 'k7' }]);
  });

  it('offers the choices when free text is not allowed, and shows a wrong-wait-key error as a toast', async () => {
    const waiting = runView({
      status: 'waiting',
      waiting: wait({ prompt: 'Run the tool now?', choices: ['approve', 'reject'], allow_free_text: false }),
    });
    const client = await openRun({
      getRun: () => waiting,
      answer: () => {
        throw new WrongWaitKeyError('wait w1 was already answered');
      },
    });
    render(
      <>
        <AttentionPanel />
        <Toasts />
      </>,
    );
    expect(screen.queryByLabelText('Answer')).toBeNull();
    fireEvent.click(screen.getByLabelText('approve'));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Send answer' })));
    expect(client.callsTo('answer')).toEqual([{ runId: 'run-1', text: 'approve', waitKey: 'w1' }]);
    expect(screen.getByRole('alert').textContent).toContain('Wait w1 was already answered');
    expect(screen.getByRole('alert').getAttribute('title')).toBe('Error code WRONG_WAIT_KEY');
  });
});

describe('tool approval panel', () => {
  const calls: ToolCall[] = [
    { name: 'write_file', arguments: { path: '/tmp/a' }, call_id: 'c1' },
    { name: 'http_get', arguments: { url: 'http://x' }, call_id: 'c2' },
  ];
  it('approves all calls, or denies all, in one click', async () => {
    const waiting = runView({ status: 'waiting', waiting: wait({ reason: 'tool_calls', wait_key: 'tk', tool_calls: calls }) });
    const client = await openRun({ getRun: () => waiting, decideToolCalls: () => runState() });
    render(<AttentionPanel />);
    fireEvent.change(screen.getByLabelText('Arguments for http_get'), { target: { value: '{"url": "http://y"}' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Approve all' })));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Deny all' })));
    expect(client.callsTo('decideToolCalls')).toEqual([
      {
        runId: 'run-1',
        waitKey: 'tk',
        decisions: [
          { call_id: 'c1', approved: true },
          { call_id: 'c2', approved: true, arguments: { url: 'http://y' } },
        ],
      },
      {
        runId: 'run-1',
        waitKey: 'tk',
        decisions: [
          { call_id: 'c1', approved: false, reason: 'denied in the inspector' },
          { call_id: 'c2', approved: false, reason: 'denied in the inspector' },
        ],
      },
    ]);
  });

  it('refuses an event payload whose number cannot be kept exactly, naming its path', async () => {
    const waiting = runView({ status: 'waiting', waiting: wait({ reason: 'event', event_name: 'approved', wait_key: 'ek' }) });
    const client = await openRun({ getRun: () => waiting, resume: () => runState() });
    render(<AttentionPanel />);
    fireEvent.change(screen.getByLabelText('Event payload (JSON)'), { target: { value: '{"id": 1e400}' } });
    expect(screen.getByRole('alert').textContent).toContain('payload.id: the number 1e400 cannot be kept exactly');
    expect((screen.getByRole('button', { name: 'Send to this run' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Event payload (JSON)'), { target: { value: '{"ok": true, "by": "ana"}' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Send to this run' })));
    expect(client.callsTo('resume')).toEqual([{ runId: 'run-1', waitKey: 'ek', payload: { ok: true, by: 'ana' } }]);
  });

  it('approves one call with edited arguments and denies the other', async () => {
    const waiting = runView({ status: 'waiting', waiting: wait({ reason: 'tool_calls', wait_key: 'tk', tool_calls: calls }) });
    const client = await openRun({ getRun: () => waiting, decideToolCalls: () => runState() });
    render(<AttentionPanel />);
    fireEvent.change(screen.getByLabelText('Arguments for write_file'), { target: { value: '{"path": "/tmp/b"}' } });
    const [first, second] = screen
      .getAllByText(/write_file|http_get/, { selector: 'strong' })
      .map((el) => el.closest('.tool-call') as HTMLElement);
    fireEvent.click(within(first!).getByRole('button', { name: 'Approve' }));
    fireEvent.change(within(second!).getByLabelText('Reason if denied'), { target: { value: 'no network today' } });
    fireEvent.click(within(second!).getByRole('button', { name: 'Deny' }));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Submit decisions' })));
    expect(client.callsTo('decideToolCalls')).toEqual([
      {
        runId: 'run-1',
        waitKey: 'tk',
        decisions: [
          { call_id: 'c1', approved: true, arguments: { path: '/tmp/b' } },
          { call_id: 'c2', approved: false, reason: 'no network today' },
        ],
      },
    ]);
  });

  it('approves unchanged arguments without sending them, so the ledger records no edit', async () => {
    const waiting = runView({ status: 'waiting', waiting: wait({ reason: 'tool_calls', tool_calls: [calls[0]!] }) });
    const client = await openRun({ getRun: () => waiting, decideToolCalls: () => runState() });
    render(<AttentionPanel />);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Approve' })));
    expect(client.callsTo('decideToolCalls')).toEqual([{ runId: 'run-1', waitKey: 'w1', decisions: [{ call_id: 'c1', approved: true }] }]);
  });

  it('will not approve arguments that are not a JSON object', async () => {
    const waiting = runView({ status: 'waiting', waiting: wait({ reason: 'tool_calls', tool_calls: [calls[0]!] }) });
    const client = await openRun({ getRun: () => waiting, decideToolCalls: () => runState() });
    render(<AttentionPanel />);
    fireEvent.change(screen.getByLabelText('Arguments for write_file'), { target: { value: '{"path": ' } });
    expect((screen.getByRole('button', { name: 'Approve' }) as HTMLButtonElement).disabled).toBe(true);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Deny' })));
    expect(client.callsTo('decideToolCalls')).toEqual([
      { runId: 'run-1', waitKey: 'w1', decisions: [{ call_id: 'c1', approved: false, reason: 'denied in the inspector' }] },
    ]);
  });
});

describe('controls', () => {
  it('steps, continues, and cancels only after the confirmation', async () => {
    const client = await openRun({
      getRun: () => runView(),
      stepRun: () => runState(),
      continueRun: () => runState(),
      cancelRun: () => runState({ status: 'cancelled' }),
    });
    render(<ControlsBar />);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Step' })));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Continue' })));
    expect(client.callsTo('stepRun')).toEqual([{ runId: 'run-1' }]);
    expect(client.callsTo('continueRun')).toEqual([{ runId: 'run-1' }]);
    fireEvent.click(screen.getByRole('button', { name: 'Cancel run' }));
    expect(client.callsTo('cancelRun')).toEqual([]);
    const dialog = screen.getByRole('dialog');
    expect(dialog.textContent).toContain('stops for good');
    // The footer's way out is not a second "Cancel" beside "Cancel the run".
    expect(
      within(dialog)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Keep the run', 'Cancel the run']);
    await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel the run' })));
    expect(client.callsTo('cancelRun')).toEqual([{ runId: 'run-1', reason: 'cancelled from the inspector' }]);
  });

  it('says a stalled run is stalled, and why', async () => {
    const reason = 'its run is runnable at node ask, but no worker is running on this database';
    await openRun({ getRun: () => runView({}, { stalled: { since: '2026-11-29T04:00:01.000Z', reason } }) });
    render(<ControlsBar />);
    expect(screen.getByRole('status').textContent).toBe(`Stalled: ${reason}`);
  });

  it('disables Step and Continue on a finished or read-only run', async () => {
    await openRun({ getRun: () => runView({ status: 'completed' }) });
    render(<ControlsBar />);
    expect((screen.getByRole('button', { name: 'Step' }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Cancel run' }) as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('verification badge', () => {
  it('shows a broken chain with its seq and reason, and re-verifies on "Verify"', async () => {
    let report = { ...okVerify, valid: false, firstBadSeq: 7, reason: 'hash_mismatch' as const, message: 'record 7 was changed' };
    const client = await openRun({ getRun: () => runView(), verifyRun: () => report });
    render(<VerifyBadge />);
    expect(screen.getByRole('status', { name: 'Verification' }).textContent).toContain('Chain broken at seq 7 (hash_mismatch)');
    report = { ...okVerify, signed: { publicKey: 'PEM', signedSeq: 9, keyId: 'ab12cd' } } as never;
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Verify' })));
    expect(client.callsTo('verifyRun')).toHaveLength(2);
    expect(screen.getByRole('status', { name: 'Verification' }).textContent).toContain('Chain valid');
    expect(screen.getByText(/signed by key ab12cd/)).toBeTruthy();
  });
});

describe('snapshots panel', () => {
  const snap = {
    snapshot_id: 'snap-1',
    run_id: 'run-1',
    name: 'before deploy',
    description: null,
    tags: ['prod'],
    created_at: '2026-11-29T04:00:00Z',
    ledger_seq: 4,
    state_hash: 'x',
  };
  it('creates a snapshot with name and tags', async () => {
    const client = await openRun({ getRun: () => runView(), createSnapshot: () => snap });
    render(<SnapshotsPanel />);
    fireEvent.change(screen.getByLabelText('Snapshot name'), { target: { value: 'before deploy' } });
    fireEvent.change(screen.getByLabelText('Tags (comma separated)'), { target: { value: 'prod, v2' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Create snapshot' })));
    expect(client.callsTo('createSnapshot')).toEqual([{ runId: 'run-1', name: 'before deploy', tags: ['prod', 'v2'] }]);
  });

  it('says what Restore will do before doing it', async () => {
    const client = await openRun({ getRun: () => runView(), searchSnapshots: () => [snap], restoreSnapshot: () => runState() });
    render(<SnapshotsPanel />);
    fireEvent.click(screen.getByRole('button', { name: 'Restore' }));
    expect(screen.getByRole('dialog').textContent).toContain('goes back to its state at seq 4');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Restore this run' })));
    expect(client.callsTo('restoreSnapshot')).toEqual([{ snapshotId: 'snap-1' }]);
  });

  it('forks with edited vars and opens the new run', async () => {
    const client = await openRun({
      getRun: () => runView(),
      searchSnapshots: () => [snap],
      forkSnapshot: () => runState({ run_id: 'run-2' }),
    });
    render(<SnapshotsPanel />);
    fireEvent.click(screen.getByRole('button', { name: 'Fork' }));
    const box = screen.getByLabelText(/Vars to change/);
    fireEvent.change(box, { target: { value: '[1]' } });
    expect(screen.getByRole('alert').textContent).toContain('JSON object');
    fireEvent.change(box, { target: { value: '{"question": "again?"}' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Fork into a new run' })));
    expect(client.callsTo('forkSnapshot')).toEqual([{ snapshotId: 'snap-1', vars: { question: 'again?' } }]);
    expect(window.location.hash).toBe('#/runs/run-2');
  });
});

describe('start run dialog', () => {
  it('validates vars JSON before it can start, then opens the new run', async () => {
    const client = setup({ startRun: () => runState({ run_id: 'new-run' }) });
    useRunsStore.setState({ workflows: [approvalWorkflow] });
    render(<StartRunDialog onClose={() => {}} />);
    const vars = screen.getByLabelText('Vars (JSON)');
    fireEvent.change(vars, { target: { value: '{"question": ' } });
    expect(screen.getByRole('alert').textContent).toContain('Not valid JSON');
    expect((screen.getByRole('button', { name: 'Start' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(vars, { target: { value: '{"question": "ok?"}' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Start' })));
    expect(client.callsTo('startRun')).toEqual([{ workflowId: 'examples.approval', vars: { question: 'ok?' }, stepMode: false }]);
    expect(window.location.hash).toBe('#/runs/new-run');
  });
});

describe('start run dialog with an input schema', () => {
  const counter = {
    ...approvalWorkflow,
    id: 'examples.counter',
    label: 'Counter',
    default_vars: { n: 10 },
    input_schema: {
      type: 'object',
      properties: { n: { type: 'integer', minimum: 0, description: 'How many steps.' } },
      additionalProperties: false,
    },
  };

  it('renders a form from the schema, refuses bad input naming the field, and keeps the JSON editor as an alternative', async () => {
    const client = setup({ startRun: () => runState({ run_id: 'counted' }) });
    useRunsStore.setState({ workflows: [counter] });
    render(<StartRunDialog onClose={() => {}} />);
    const n = screen.getByLabelText('n') as HTMLInputElement;
    expect(n.value).toBe('10');
    const startButton = () => screen.getByRole('button', { name: 'Start' }) as HTMLButtonElement;

    fireEvent.change(n, { target: { value: 'abc' } });
    expect(screen.getByRole('alert', { name: 'Input problems' }).textContent).toContain('vars.n: expected integer, got string');
    expect(startButton().disabled).toBe(true);
    fireEvent.change(n, { target: { value: '1e400' } });
    expect(screen.getByText(/vars\.n: the number 1e400 cannot be kept exactly/)).toBeTruthy();
    expect(startButton().disabled).toBe(true);
    // Kept exactly (a RawNumber), and an integer to the schema: accepted.
    fireEvent.change(n, { target: { value: '98765432109876543210' } });
    expect(screen.queryByRole('alert', { name: 'Input problems' })).toBeNull();
    expect(startButton().disabled).toBe(false);
    fireEvent.change(n, { target: { value: '-1' } });
    expect(screen.getByRole('alert', { name: 'Input problems' }).textContent).toContain('vars.n: must be ≥ 0');
    fireEvent.change(n, { target: { value: '4' } });
    expect(startButton().disabled).toBe(false);

    fireEvent.click(screen.getByRole('radio', { name: 'JSON' }));
    const json = screen.getByLabelText('Vars (JSON)') as HTMLTextAreaElement;
    expect(JSON.parse(json.value)).toEqual({ n: 4 });
    fireEvent.change(json, { target: { value: '{"n": 4, "prompt": "x"}' } });
    expect(screen.getByRole('alert', { name: 'Input problems' }).textContent).toContain('vars.prompt: is not an allowed property');
    expect(startButton().disabled).toBe(true);
    fireEvent.change(json, { target: { value: '{"n": 4}' } });
    await act(async () => fireEvent.click(startButton()));
    expect(client.callsTo('startRun')).toEqual([{ workflowId: 'examples.counter', vars: { n: 4 }, stepMode: false }]);
  });
});

describe('start run dialog with an open schema', () => {
  it('warns (without blocking) about vars the schema does not declare', () => {
    setup({});
    useRunsStore.setState({
      workflows: [
        {
          ...approvalWorkflow,
          id: 'test.open',
          default_vars: {},
          input_schema: { type: 'object', properties: { topic: { type: 'string' } } },
        },
      ],
    });
    render(<StartRunDialog onClose={() => {}} />);
    fireEvent.click(screen.getByRole('radio', { name: 'JSON' }));
    fireEvent.change(screen.getByLabelText('Vars (JSON)'), { target: { value: '{"topic": "x", "tpoic": "y"}' } });
    expect(screen.getByRole('status', { name: 'Input warnings' }).textContent).toContain('vars.tpoic');
    expect((screen.getByRole('button', { name: 'Start' }) as HTMLButtonElement).disabled).toBe(false);
  });
});

describe('app shell', () => {
  it('lists runs with a mark on the ones waiting for a person and counts them in the title', async () => {
    setup({
      listRuns: () => ({
        runs: [
          summary({ run_id: 'w-1', status: 'waiting', waiting_reason: 'user', wait_prompt: 'OK?' }),
          summary({ run_id: 'r-2', workflow_id: 'examples.counter' }),
        ],
        total: 2,
      }),
      listWorkflows: () => [approvalWorkflow],
    });
    render(<App />);
    await screen.findByText('examples.counter');
    expect(screen.getAllByText('needs you')).toHaveLength(1);
    act(() => useAttentionStore.getState().seed(useRunsStore.getState().runs));
    await waitFor(() => expect(document.title).toBe('(1) AbstractRuntime'));
  });

  it('opens a run from its deep link: graph nodes with status, ledger rows, no blank screen on errors', async () => {
    const view = runView({ status: 'waiting', current_node: 'ask', waiting: wait({ prompt: 'Proceed?' }) });
    setup({
      getRun: () => view,
      getLedger: pagedLedger(2),
      getStateAt: () => ({ seq: 1, vars: {}, status: 'running', current_node: 'ask' }),
    });
    window.location.hash = '#/runs/run-1';
    render(<App />);
    await screen.findByText('Proceed?');
    const node = await screen.findByLabelText(/Node Ask for approval: waiting, 1 visits/);
    expect(node).toBeTruthy();
    await screen.findByText('#1');
    expect(screen.getByRole('status', { name: 'Verification' }).textContent).toContain('Chain valid');
  });

  it('says in words why a run cannot be opened, with its error code on hover', async () => {
    setup({
      getRun: () => {
        throw new RunNotFoundError('run nope not found');
      },
    });
    window.location.hash = '#/runs/nope';
    render(<App />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Run nope not found');
    expect(alert.textContent).not.toContain('RUN_NOT_FOUND');
    expect(alert.getAttribute('title')).toBe('Error code RUN_NOT_FOUND');
  });
});

describe('toasts', () => {
  it('do not announce the run the person is looking at, and leave with the run that raised them', () => {
    window.location.hash = '#/runs/here';
    useAttentionStore.getState().notify('here', 'examples.approval', 'Approve?', false);
    expect(useToastStore.getState().toasts).toHaveLength(0);
    useAttentionStore.getState().notify('elsewhere', 'examples.approval', 'Approve?', false);
    expect(useToastStore.getState().toasts.map((t) => t.href)).toEqual(['#/runs/elsewhere']);

    useToastStore.getState().push({ kind: 'error', title: 'Step failed', message: 'RUN_TERMINAL: run here is completed', runId: 'here' });
    useToastStore.getState().leftRun('here');
    expect(useToastStore.getState().toasts).toHaveLength(2);
    useToastStore.getState().leftRun(null);
    expect(useToastStore.getState().toasts.map((t) => t.title)).toEqual(['examples.approval is waiting for you']);
    useToastStore.getState().leftRun('elsewhere'); // opening the run the toast calls for
    expect(useToastStore.getState().toasts).toHaveLength(0);
  });
});

describe('fork dialog', () => {
  it('shows the runtime refusing edited vars field by field, in words, with the code to copy', async () => {
    const preview = {
      seq: 0,
      node: 'ask',
      status: 'running',
      vars: { question: 'Run the tool now?' },
      effectsAgain: [],
      moreEffects: false,
      reusedResults: 0,
      waitReArms: null,
      superseded: 0,
    };
    await openRun({
      getRun: () => runView(),
      previewTimeTravel: () => preview,
      // The kernel's own check, on the workflow as the host registers it (with its input schema).
      forkFromRecord: (req) => {
        checkForkVars(approvalDefinition, req.vars as JsonObject, preview.vars);
        throw new Error('the kernel accepted vars it should refuse');
      },
    });
    render(<TimeTravelDialog runId="run-1" seq={0} action="fork" onClose={() => undefined} />);
    const vars = await screen.findByLabelText('Vars of the new run (JSON; edit before forking)');
    fireEvent.change(vars, { target: { value: '{"question": "Run the tool now?", "qestion": "typo"}' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Fork the new run' })));
    const refused = await screen.findByRole('alert', { name: 'Vars refused by the runtime' });
    expect(refused.textContent).toContain('qestion: is not an input of examples.approval');
    expect(refused.getAttribute('title')).toBe('Error code VALIDATION_ERROR');
    expect(within(refused).getByRole('button', { name: 'Copy error code VALIDATION_ERROR' })).toBeTruthy();
  });
});
