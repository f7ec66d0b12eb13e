import type { LedgerRecord } from '../../src-shared/types';
import { describe, expect, it } from 'vitest';
import {
  erroredNodes,
  graphModel,
  layoutGraph,
  layoutWorkflow,
  movesTaken,
  NODE_HEIGHT,
  NODE_WIDTH,
  nodeStatus,
} from '../../src-renderer/run/graphModel';
import { diffJson } from '../../src-renderer/run/jsonDiff';
import { buildTimeline, formatMs } from '../../src-renderer/run/timelineModel';
import { latencyMs, llmInsight, recordTitle, toolInsight } from '../../src-renderer/run/recordInsight';
import { parseVarsObject } from '../../src-renderer/shell/jsonInput';
import { parseHash, recordHref, runHref } from '../../src-renderer/state/hashRoute';
import { titleFor } from '../../src-renderer/state/attentionStore';
import { filtersFromQuery, matchesFilters, NO_FILTERS, queryFromFilters, waitsForPerson } from '../../src-renderer/state/runsStore';
import { runTree, shortId } from '../../src-renderer/runs/runTree';
import { stepCounter } from '../../src-shared/timeTravel';
import { liveStepCounts } from '../../src-renderer/state/ledgerStore';
import { approvalWorkflow, record, runState, summary, wait } from './support/fixtures';

describe('hash routes', () => {
  it('parses every page and deep links to a run', () => {
    expect(parseHash('#/runs')).toMatchObject({ page: 'runs' });
    expect(parseHash('')).toMatchObject({ page: 'runs' });
    expect(parseHash('#/settings')).toEqual({ page: 'settings' });
    expect(parseHash('#/audit')).toEqual({ page: 'audit' });
    expect(parseHash(runHref('run 1/x'))).toEqual({ page: 'run', runId: 'run 1/x', seq: null, view: 'ledger' });
  });
  it('keeps routing with a ?query and addresses a single record', () => {
    expect(parseHash('#/settings?x=1')).toEqual({ page: 'settings' });
    expect(parseHash(`${runHref('r1')}?tab=ledger`)).toEqual({ page: 'run', runId: 'r1', seq: null, view: 'ledger' });
    expect(parseHash(recordHref('run 1/x', 42))).toEqual({ page: 'run', runId: 'run 1/x', seq: 42, view: 'ledger' });
    const runs = parseHash('#/runs?status=failed&q=paris');
    expect(runs.page === 'runs' && runs.query.get('status')).toBe('failed');
    expect(parseHash(`${recordHref('r1', 3)}?view=timeline`)).toEqual({ page: 'run', runId: 'r1', seq: 3, view: 'timeline' });
    expect(parseHash('#/runs/100%')).toEqual({ page: 'run', runId: '100%', seq: null, view: 'ledger' });
  });
  it('lists children under their parent, and short ids that tell them apart', () => {
    const parent = summary({ run_id: 'aaaaaaaa-1111-2222-3333-000000000001' });
    const child = summary({ run_id: 'aaaaaaaa-1111-2222-3333-000000000002', parent_run_id: parent.run_id });
    const other = summary({ run_id: 'other' });
    expect(runTree([child, other, parent]).map((r) => [r.run.run_id, r.depth])).toEqual([
      ['other', 0],
      [parent.run_id, 0],
      [child.run_id, 1],
    ]);
    expect(shortId(parent.run_id)).not.toBe(shortId(child.run_id));
    expect(runTree([child])[0]).toMatchObject({ depth: 0, orphan: true });
  });
});

describe('timeline model', () => {
  it('draws effect attempts, retries and failures, waits until resumed (or now), and node steps', () => {
    const at = (ms: number) => new Date(Date.parse('2026-11-29T04:00:00.000Z') + ms).toISOString();
    const eff = (
      seq: number,
      status: 'started' | 'completed' | 'failed' | 'waiting',
      t0: number,
      t1: number | null,
      attempt = 1,
      extra = {},
    ) =>
      record(seq, {
        kind: 'effect',
        status,
        node_id: 'plan',
        step_id: 's1',
        attempt,
        effect: { type: 'llm_call', payload: {}, result_key: 'r' },
        started_at: at(t0),
        ended_at: t1 === null ? null : at(t1),
        ...extra,
      });
    const records = [
      record(0, { kind: 'run_started', started_at: at(0), ended_at: at(0) }),
      eff(1, 'started', 10, null),
      eff(2, 'failed', 10, 110),
      eff(3, 'started', 200, null, 2),
      eff(4, 'completed', 200, 650, 2),
      record(5, { kind: 'transition', node_id: 'plan', started_at: at(660), ended_at: at(661) }),
      record(6, {
        kind: 'effect',
        status: 'waiting',
        node_id: 'ask',
        step_id: 's2',
        effect: { type: 'wait_event', payload: {}, result_key: 'e' },
        result: { reason: 'event', event_name: 'go', wait_key: 'wk' },
        started_at: at(700),
        ended_at: at(700),
      }),
      record(7, { kind: 'resumed', node_id: 'ask', idempotency_key: 'wk', started_at: at(5700), ended_at: at(5700) }),
    ];
    const t = buildTimeline(records, Date.parse(at(9000)));
    const effects = t.spans.filter((s) => s.kind === 'effect');
    expect(effects.map((s) => [s.attempt, s.end - s.start, s.failed])).toEqual([
      [1, 100, true],
      [2, 450, false],
      [1, 0, false],
    ]);
    expect(t.spans.find((s) => s.kind === 'wait')).toMatchObject({ label: 'waiting: event go', start: 700, end: 5700, open: false });
    expect(t.spans.find((s) => s.kind === 'step')).toMatchObject({ label: 'step plan', start: 10, end: 661 });
    const stillWaiting = buildTimeline(records.slice(0, 7), Date.parse(at(9000)));
    expect(stillWaiting.spans.find((s) => s.kind === 'wait')).toMatchObject({ end: 9000, open: true });
    expect(formatMs(450)).toBe('450 ms');
    expect(formatMs(5000)).toBe('5.00 s');
  });
});

describe('graph model', () => {
  it('marks an edge going back up the layout as a loop (drawn round the side), forward edges not', () => {
    const wf = {
      ...approvalWorkflow,
      nodes: [
        { id: 'plan', label: 'Plan', kind: 'llm_call', next: ['act'] },
        { id: 'act', label: 'Act', kind: 'tool_calls', next: ['plan', 'done'] },
        { id: 'done', label: 'Done', kind: 'end', next: [] },
      ],
    };
    const m = graphModel(wf, runState({ visits: {} }), [], layoutWorkflow(wf));
    expect(m.edges.map((e) => [e.id, e.loop])).toEqual([
      ['plan->act', false],
      ['act->plan', true],
      ['act->done', false],
    ]);
  });

  it('decision edges carry their labels, the branch the ledger shows is the one taken, and labels sit clear of the nodes', () => {
    const wf = {
      ...approvalWorkflow,
      nodes: approvalWorkflow.nodes.map((n) =>
        n.id === 'route'
          ? {
              ...n,
              edge_labels: [
                { target: 'act', label: 'approved', condition: 'the answer is "approve"' },
                { target: 'done', label: 'rejected', condition: null },
              ],
            }
          : n,
      ),
    };
    const layout = layoutGraph(wf);
    // Approved: ask -> route -> act -> done. Both ends of route->done were visited, yet it was not taken.
    const nodes = ['ask', 'ask', 'ask', 'route', 'act', 'act', 'done'];
    const records = new Map(nodes.map((node_id, seq) => [seq, { seq, node_id } as LedgerRecord]));
    const moves = movesTaken(records, records.size);
    const done = runState({ status: 'completed', current_node: 'done', visits: { ask: 1, route: 1, act: 1, done: 1 } });
    const m = graphModel(wf, done, [], layout.positions, undefined, { routes: layout.routes, moves });
    const byId = new Map(m.edges.map((e) => [e.id, e]));
    expect(byId.get('route->act')).toMatchObject({ label: 'approved', condition: 'the answer is "approve"', taken: true });
    expect(byId.get('route->done')).toMatchObject({ label: 'rejected', condition: null, taken: false });
    expect(byId.get('ask->route')).toMatchObject({ label: null, taken: true });
    expect(m.edges.filter((e) => e.taken).map((e) => e.id)).toEqual(['ask->route', 'route->act', 'act->done']);
    // Halted right after a transition (its record is at the source): the move to the node it is at counts.
    const halted = new Map([...records].filter(([seq]) => seq <= 3));
    expect([...movesTaken(halted, halted.size, [], 'act')!]).toEqual(['ask->route', 'route->act']);
    // Without the whole ledger loaded the rule falls back to "both ends visited".
    expect(movesTaken(new Map([...records].slice(1)), records.size)).toBeNull();
    // A rolled-back branch (records strictly between a restore's ends) is not the path.
    const rolledBack = movesTaken(records, records.size, [[3, 6]]);
    expect([...rolledBack!]).toEqual(['ask->route', 'route->done']);
    // Each label's box, where the layout put it, overlaps no node.
    for (const e of m.edges.filter((x) => x.label)) {
      const at = e.route!.labelAt!;
      const w = e.label!.length * 7 + 16;
      for (const [, p] of layout.positions) {
        const apart = at.x + w / 2 <= p.x || at.x - w / 2 >= p.x + NODE_WIDTH || at.y + 10 <= p.y || at.y - 10 >= p.y + NODE_HEIGHT;
        expect(apart, `${e.id} label over a node`).toBe(true);
      }
    }
    // A graph drawn from a ledger (a Python run without its definition) has no labels and still draws.
    const plain = graphModel(approvalWorkflow, done, [], layoutWorkflow(approvalWorkflow));
    expect(plain.edges.every((e) => e.label === null && e.condition === null)).toBe(true);
  });

  it('a labelled self-loop is shown on the node', () => {
    const wf = {
      ...approvalWorkflow,
      entry: 'count',
      nodes: [
        {
          id: 'count',
          label: 'Count',
          kind: 'step',
          next: ['count', 'done'],
          edge_labels: [{ target: 'count', label: 'again', condition: 'i < n' }],
        },
        { id: 'done', label: 'Done', kind: 'end', next: [] },
      ],
    };
    const m = graphModel(wf, runState({ visits: { count: 3 } }), [], layoutWorkflow(wf));
    expect(m.nodes[0]).toMatchObject({ selfLoop: true, selfLoopLabel: { target: 'count', label: 'again', condition: 'i < n' } });
    expect(m.edges.map((e) => e.id)).toEqual(['count->done']);
  });

  it('lays out every node top-down without overlap', () => {
    const pos = layoutWorkflow(approvalWorkflow);
    expect(pos.size).toBe(4);
    expect(pos.get('ask')!.y).toBeLessThan(pos.get('route')!.y);
    expect(pos.get('route')!.y).toBeLessThan(pos.get('done')!.y);
  });

  it('marks the current, waiting, visited and failed nodes and the path taken', () => {
    const st = runState({ status: 'waiting', current_node: 'ask', visits: { ask: 1 }, waiting: wait({}) });
    expect(nodeStatus(st, 'ask')).toBe('waiting');
    const done = runState({ status: 'completed', current_node: 'done', visits: { ask: 1, route: 1, done: 1 } });
    const m = graphModel(approvalWorkflow, done, ['act'], layoutWorkflow(approvalWorkflow));
    expect(m.nodes.find((n) => n.id === 'done')!.status).toBe('completed');
    expect(m.nodes.find((n) => n.id === 'route')!.status).toBe('visited');
    expect(m.nodes.find((n) => n.id === 'act')!).toMatchObject({ status: 'idle', breakpoint: true, visits: 0 });
    const taken = m.edges.filter((e) => e.taken).map((e) => e.id);
    expect(taken).toEqual(['ask->route', 'route->done']);
    const failed = runState({ status: 'failed', current_node: 'route', error: { code: 'HANDLER_ERROR', message: 'x', node_id: 'route' } });
    expect(nodeStatus(failed, 'route')).toBe('failed');
  });

  it('a node whose tool calls failed while the run went on is drawn as errored, not as a success', () => {
    const done = runState({ status: 'completed', current_node: 'done', visits: { ask: 1, route: 1, act: 1, done: 1 } });
    const records = [
      { status: 'completed', node_id: 'act', error: { code: 'TOOL_CALLS_FAILED', message: '1 of 1 tool calls failed' } },
      { status: 'completed', node_id: 'route', error: null },
    ] as unknown as LedgerRecord[];
    const errored = erroredNodes(records);
    expect([...errored]).toEqual(['act']);
    const m = graphModel(approvalWorkflow, done, [], layoutWorkflow(approvalWorkflow), errored);
    expect(m.nodes.find((n) => n.id === 'act')!.status).toBe('errored');
    expect(m.nodes.find((n) => n.id === 'route')!.status).toBe('visited');
    expect(
      recordTitle({
        kind: 'effect',
        status: 'completed',
        effect: { type: 'tool_calls' },
        error: { code: 'X', message: 'y' },
      } as unknown as LedgerRecord),
    ).toBe('tool_calls · completed with errors');
  });
});

describe('step counts after a restore', () => {
  // The event workflow: a wait resumed, then "done"; restored to the wait (#2), answered again.
  const ledger = [
    record(0, { kind: 'run_started', node_id: 'wait' }),
    record(1, { kind: 'effect', status: 'started', node_id: 'wait', step_id: 'w' }),
    record(2, { kind: 'effect', status: 'waiting', node_id: 'wait', step_id: 'w' }),
    record(3, { kind: 'resumed', node_id: 'wait' }),
    record(4, { kind: 'effect', status: 'completed', node_id: 'wait', step_id: 'w' }),
    record(5, { kind: 'transition', node_id: 'wait' }),
    record(6, { kind: 'completed', node_id: 'done' }),
  ];

  it('counts one visit per node step, as the kernel does', () => {
    const c = stepCounter();
    for (const r of ledger) c.add(r);
    expect(c.counts).toEqual({ visits: { wait: 1, done: 1 }, steps: 2 });
  });

  it('a rolled-back branch counted from the step open at the restored-to record begins only what it began', () => {
    const kept = stepCounter();
    for (const r of ledger.slice(0, 3)) kept.add(r);
    const branch = stepCounter(kept.openStep());
    for (const r of ledger.slice(3)) branch.add(r);
    expect(branch.counts).toEqual({ visits: { done: 1 }, steps: 1 });
    const state = runState({ visits: { wait: 1, done: 2 }, step_count: 3 });
    expect(liveStepCounts(state, branch.counts, false)).toEqual({ visits: { wait: 1, done: 1 }, steps: 2 });
    expect(liveStepCounts(state, branch.counts, true)).toEqual({ visits: { wait: 1, done: 2 }, steps: 3 });
  });

  it('a loop visiting the same node twice counts two visits; failed attempts of one step count once', () => {
    const c = stepCounter();
    for (const r of [
      record(0, { kind: 'transition', status: 'failed', node_id: 'a' }),
      record(1, { kind: 'transition', node_id: 'a' }),
      record(2, { kind: 'effect', status: 'started', node_id: 'a', step_id: 'x' }),
      record(3, { kind: 'effect', status: 'failed', node_id: 'a', step_id: 'x' }),
      record(4, { kind: 'effect', status: 'completed', node_id: 'a', step_id: 'x' }),
      record(5, { kind: 'transition', node_id: 'a' }),
    ])
      c.add(r);
    expect(c.counts).toEqual({ visits: { a: 2 }, steps: 2 });
  });
});

describe('state diff', () => {
  it('lists added, removed and changed paths', () => {
    expect(diffJson({ a: 1, b: { c: 2 }, gone: true }, { a: 1, b: { c: 3 }, added: [1] })).toEqual([
      { path: 'added', kind: 'added', after: [1] },
      { path: 'b.c', kind: 'changed', before: 2, after: 3 },
      { path: 'gone', kind: 'removed', before: true },
    ]);
    expect(diffJson({ i: 1 }, { i: 1 })).toEqual([]);
  });
});

describe('record insight', () => {
  it('reads prompt, reply, tokens and latency of an LLM call', () => {
    const r = record(3, {
      kind: 'effect',
      effect: { type: 'llm_call', payload: { messages: [{ role: 'user', content: 'hi' }], model: 'm1' }, result_key: 'reply' },
      result: { content: 'hello', usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } },
      started_at: '2026-11-29T04:00:00.000Z',
      ended_at: '2026-11-29T04:00:01.250Z',
    });
    expect(llmInsight(r)).toEqual({
      prompt: [{ role: 'user', content: 'hi' }],
      reply: 'hello',
      tokens: { prompt: 5, completion: 2, total: 7 },
      model: 'm1',
      latencyMs: 1250,
      finishReason: null,
    });
    expect(latencyMs(r)).toBe(1250);
  });
  it('shows the tool calls of a reply without text, and the provider latency', () => {
    const r = record(5, {
      kind: 'effect',
      effect: { type: 'llm_call', payload: { prompt: 'add 1 and 2' }, result_key: 'reply' },
      result: {
        content: '',
        tool_calls: [{ name: 'add', arguments: { a: 1, b: 2 }, call_id: 'c1' }],
        model: 'qwen',
        finish_reason: 'tool_calls',
        latency_ms: 321,
        usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 },
      },
    });
    expect(llmInsight(r)).toMatchObject({
      prompt: 'add 1 and 2',
      reply: [{ name: 'add', arguments: { a: 1, b: 2 }, call_id: 'c1' }],
      model: 'qwen',
      latencyMs: 321,
      finishReason: 'tool_calls',
    });
  });
  it('reads tool call arguments and results', () => {
    const r = record(4, {
      kind: 'effect',
      effect: { type: 'tool_calls', payload: { tool_calls: [{ name: 'add', arguments: { a: 1 }, call_id: 'c1' }] }, result_key: 't' },
      result: { results: [{ call_id: 'c1', output: 2 }] },
    });
    expect(toolInsight(r)).toEqual({
      calls: [{ call_id: 'c1', name: 'add', arguments: { a: 1 } }],
      results: [{ call_id: 'c1', output: 2 }],
    });
    expect(llmInsight(r)).toBeNull();
  });
});

describe('runs list rules', () => {
  it('marks runs that wait for a person, not for a timer', () => {
    expect(waitsForPerson(summary({ status: 'waiting', waiting_reason: 'user' }))).toBe(true);
    expect(waitsForPerson(summary({ status: 'waiting', waiting_reason: 'tool_calls' }))).toBe(true);
    expect(waitsForPerson(summary({ status: 'waiting', waiting_reason: 'until' }))).toBe(false);
  });
  it('filters by status, workflow and text', () => {
    const f = { ...NO_FILTERS, status: 'waiting' as const };
    expect(matchesFilters(summary({ status: 'running' }), f)).toBe(false);
    // A run arriving live is kept by the rule the store's search follows (src-shared/textSearch.ts).
    expect(matchesFilters(summary({ current_node: 'Deploy_Étape' }), { ...NO_FILTERS, search: ' DEPLOY ' })).toBe(true);
    expect(matchesFilters(summary({ current_node: 'Deploy_Étape' }), { ...NO_FILTERS, search: 'Étape' })).toBe(true);
    expect(matchesFilters(summary({ current_node: 'Deploy_Étape' }), { ...NO_FILTERS, search: 'étape' })).toBe(false);
    // Not the question a waiting run asks: the store does not search it, and a reload would drop the run.
    expect(matchesFilters(summary({ wait_prompt: 'Deploy?' }), { ...NO_FILTERS, search: 'deploy?' })).toBe(false);
    // Not across fields either: each field holds the text or the run is not found.
    expect(matchesFilters(summary(), { ...NO_FILTERS, search: `${summary().workflow_id} ${summary().current_node}` })).toBe(false);
    expect(matchesFilters(summary(), { ...NO_FILTERS, workflowId: 'examples.counter' })).toBe(false);
  });
  it('keeps the runs filters in the address and back', () => {
    const f = {
      ...NO_FILTERS,
      status: 'failed' as const,
      workflowId: 'examples.agent',
      search: 'paris',
      from: '2026-11-01',
      to: '2026-11-30',
    };
    expect(filtersFromQuery(queryFromFilters(f))).toEqual(f);
    expect(filtersFromQuery(new URLSearchParams('status=bogus&from=yesterday'))).toEqual(NO_FILTERS);
    const day = new Date(2026, 10, 29, 12).toISOString();
    expect(matchesFilters(summary({ created_at: day }), { ...NO_FILTERS, from: '2026-11-29', to: '2026-11-29' })).toBe(true);
    expect(matchesFilters(summary({ created_at: day }), { ...NO_FILTERS, from: '2026-11-30' })).toBe(false);
  });
  it('puts the waiting count in the window title', () => {
    expect(titleFor(0)).toBe('AbstractRuntime');
    expect(titleFor(2)).toBe('(2) AbstractRuntime');
  });
});

describe('vars input', () => {
  it('accepts an object, rejects other JSON and broken JSON with a reason', () => {
    expect(parseVarsObject('{"n": 5}')).toEqual({ ok: true, value: { n: 5 } });
    expect(parseVarsObject('')).toEqual({ ok: true, value: {} });
    expect(parseVarsObject('[1]')).toMatchObject({ ok: false, message: expect.stringContaining('JSON object') });
    expect(parseVarsObject('{n: 5}')).toMatchObject({ ok: false, message: expect.stringContaining('Not valid JSON') });
  });
});
